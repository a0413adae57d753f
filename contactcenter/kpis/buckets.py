"""Time for the KPI facts: integer milliseconds since the epoch and 15-minute buckets.

Integers, not floats, so an interval split at any point adds up exactly: a catch-up that counts
an agent's hour in four batches and a rebuild that counts it in one arrive at the same facts.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)
BUCKET_MS = 15 * 60 * 1000
BUCKET = timedelta(milliseconds=BUCKET_MS)


def to_ms(at: datetime) -> int:
    return (at - EPOCH) // ONE_MS


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def bucket_of(ms: int) -> int:
    """The start of the 15-minute interval `ms` falls in (UTC quarter hours)."""
    return ms - ms % BUCKET_MS


@lru_cache(maxsize=4096)
def label(bucket_ms: int) -> str:
    """The bucket's part of a fact key: `2026-01-05T10:15` (UTC)."""
    return from_ms(bucket_ms).strftime("%Y-%m-%dT%H:%M")


@lru_cache(maxsize=8192)
def parse_label(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)


def pieces(start_ms: int, end_ms: int):
    """[start, end) cut at bucket boundaries: (bucket start, milliseconds in it)."""
    cursor = start_ms
    while cursor < end_ms:
        bucket = bucket_of(cursor)
        stop = min(end_ms, bucket + BUCKET_MS)
        yield bucket, stop - cursor
        cursor = stop
