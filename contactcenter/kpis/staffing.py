"""Staffing: required agents per interval by Erlang C, from a queue's history or entered figures.

Pure planning over `routing.erlang` (the simulator's Erlang C), so the page shows the very
numbers `manage.py simulate` prints for the same traffic; plus the history, read from the
interval facts: contacts offered per interval of the day (a mean over the days in the range)
and AHT (conversation + wrap-up per handle) in that interval of the day.
"""

import math
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone

from contactcenter.kpis import figures
from routing import erlang

INTERVALS = (15, 30, 60)


class BadFigures(ValueError):
    """Entered figures a person has to fix: the message says which line and why."""


@dataclass(frozen=True)
class Demand:
    start: time  # the interval of the day
    contacts: float  # offered in the interval
    aht_seconds: float


@dataclass(frozen=True)
class IntervalPlan:
    demand: Demand
    arrivals_per_hour: float
    prediction: erlang.Prediction | None  # None: no traffic, nobody needed

    @property
    def agents(self) -> int:
        return self.prediction.agents if self.prediction else 0

    def as_simulate_prints(self) -> dict | None:
        """The `erlang_c` block `simulate --json` prints for this traffic and these agents."""
        p = self.prediction
        if p is None:
            return None
        return {
            "agents": p.agents,
            "p_wait": round(p.p_wait, 4),
            "service_level": round(p.service_level, 4),
            "asa_seconds": round(p.asa_seconds, 2) if math.isfinite(p.asa_seconds) else None,
        }


def plan(
    demand: list[Demand],
    *,
    interval_minutes: int,
    sl_threshold_seconds: float,
    sl_target: float,
    max_occupancy: float = 1.0,
) -> list[IntervalPlan]:
    plans = []
    for need in demand:
        per_hour = need.contacts * 60 / interval_minutes
        prediction = None
        if per_hour > 0 and need.aht_seconds > 0:
            prediction = erlang.agents_needed(
                arrivals_per_hour=per_hour,
                aht_seconds=need.aht_seconds,
                sl_threshold_seconds=sl_threshold_seconds,
                sl_target=sl_target,
                max_occupancy=max_occupancy,
            )
        plans.append(IntervalPlan(need, per_hour, prediction))
    return plans


def parse_entered(text: str, interval_minutes: int) -> list[Demand]:
    """Lines of `HH:MM contacts aht_seconds` (blank lines and # comments ignored)."""
    demand = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").split()
        if len(parts) != 3:
            raise BadFigures(f"line {number}: write 'HH:MM contacts aht_seconds'")
        try:
            start = time.fromisoformat(parts[0])
            contacts, aht = float(parts[1]), float(parts[2])
        except ValueError:
            raise BadFigures(
                f"line {number}: {line!r} is not 'HH:MM contacts aht_seconds'"
            ) from None
        if contacts < 0 or aht < 0 or not math.isfinite(contacts + aht):
            raise BadFigures(f"line {number}: contacts and AHT cannot be negative")
        if (start.hour * 60 + start.minute) % interval_minutes or start.second:
            raise BadFigures(
                f"line {number}: {parts[0]} does not start a {interval_minutes}-minute interval"
            )
        demand.append(Demand(start, contacts, aht))
    if not demand:
        raise BadFigures("enter at least one line")
    return sorted(demand, key=lambda d: d.start)


def history(queue_id: int, first: date, last: date, interval_minutes: int) -> list[Demand]:
    """The queue's mean day over [first, last]: contacts offered per interval of the day
    (÷ the number of days) and the AHT of the handles that ended in it."""
    start, end = figures.day_range(first, last)
    quarters = figures.totals("queue", start, end, by="quarter", ids=[str(queue_id)])
    zone = timezone.get_current_timezone()
    days = (last - first).days + 1
    grouped: dict[time, list[int]] = {}
    for bucket, sums in quarters.items():
        local = bucket.astimezone(zone)
        minute = (local.hour * 60 + local.minute) // interval_minutes * interval_minutes
        slot = grouped.setdefault(time(minute // 60, minute % 60), [0, 0, 0])
        slot[0] += sums.offered
        slot[1] += sums.handle_ms + sums.wrap_ms
        slot[2] += sums.handled
    return [
        Demand(start, offered / days, (work / handled / 1000) if handled else 0.0)
        for start, (offered, work, handled) in sorted(grouped.items())
    ]


def default_history_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=28), today - timedelta(days=1)
