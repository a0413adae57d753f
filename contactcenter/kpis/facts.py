"""Where a count lands: the keys of the interval facts (`2026-01-05T10:15|queue|3`), the
daily facts they roll up into, and how much of an agent their work in hand takes."""

from collections.abc import Iterable
from functools import lru_cache

from django.utils import timezone

from contactcenter.events.projections import Rows
from contactcenter.kpis.buckets import bucket_of, label, parse_label
from contactcenter.kpis.models import DailyFact, IntervalFact

PPM = 1_000_000


def fact_key(bucket_ms: int, dimension: str, dimension_id: object) -> str:
    return f"{label(bucket_ms)}|{dimension}|{dimension_id}"


@lru_cache(maxsize=65536)
def fact_rows(key: str) -> tuple[dict, tuple]:
    """An interval fact's defaults, and the daily fact it rolls up into (its day in the
    current time zone): model, key and defaults."""
    stamp, dimension, dimension_id = key.split("|")
    bucket = parse_label(stamp)
    day = timezone.localdate(bucket)
    return (
        {"bucket": bucket, "dimension": dimension, "dimension_id": dimension_id},
        (
            DailyFact,
            f"{day.isoformat()}|{dimension}|{dimension_id}",
            {"day": day, "dimension": dimension, "dimension_id": dimension_id},
        ),
    )


def count(rows: Rows, keys: Iterable[str], **amounts: int) -> None:
    """Add `amounts` to the facts named by `keys` (and so to their days)."""
    for key in keys:
        defaults, day = fact_rows(key)
        rows.increment(IntervalFact, key, defaults, day, **amounts)


def keys_for(
    at_ms: int,
    *,
    queue_id: int | None = None,
    agent_id: int | None = None,
    channel: str | None = None,
) -> list[str]:
    bucket = bucket_of(at_ms)
    keys = []
    if queue_id is not None:
        keys.append(fact_key(bucket, "queue", queue_id))
    if agent_id is not None:
        keys.append(fact_key(bucket, "agent", agent_id))
    if channel:
        keys.append(fact_key(bucket, "channel", channel))
    return keys


def capacity_used_ppm(work: dict[str, str], capacity: dict[str, int]) -> int:
    """Share of the agent's capacity in use, in parts per million: each item takes 1/capacity
    of its channel, capped at the whole agent. Unknown or zero capacity: an item takes all."""
    if not work:
        return 0
    used = 0.0
    for channel in work.values():
        slots = capacity.get(channel, 0) if capacity else 0
        used += 1.0 / slots if slots > 0 else 1.0
    return round(PPM * min(1.0, used))
