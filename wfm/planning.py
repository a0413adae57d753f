"""A queue's plan for some days: the forecast (Holt-Winters and the seasonal-naive baseline,
each with its holdout WAPE) and the requirement of every interval. Reads the KPI history;
the arithmetic is in the pure modules (forecasting, requirements)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from wfm import forecasting, history, requirements
from wfm.forecasting import Forecast, NotEnoughHistory

HISTORY_DAYS = 56


@dataclass(frozen=True)
class IntervalPlan:
    start: datetime
    forecast: float
    baseline: float
    aht_seconds: float
    need: requirements.Requirement


@dataclass(frozen=True)
class Plan:
    queue_id: int
    first_day: date
    days: int
    interval_minutes: int
    method: str  # what the forecast column is: holt_winters, or the baseline when too short
    forecast: Forecast | None
    baseline: Forecast | None
    intervals: list[IntervalPlan]
    patience_seconds: float | None
    note: str = ""

    @property
    def peak(self) -> int:
        return max((i.need.scheduled for i in self.intervals), default=0)

    def scheduled(self) -> list[int]:
        return [i.need.scheduled for i in self.intervals]


@lru_cache(maxsize=50_000)
def _requirement(contacts, aht, interval, target, patience, shrinkage, concurrency):
    return requirements.requirement(
        contacts=contacts,
        aht_seconds=aht,
        interval_minutes=interval,
        target=target,
        patience_seconds=patience,
        shrinkage=shrinkage,
        concurrency=concurrency,
    )


def requirement_for(contacts: float, aht: float, interval: int, target, patience, shrinkage,
                    concurrency) -> requirements.Requirement:  # fmt: skip
    """The requirement, memoised on contacts to 0.1 and AHT to the second (two weeks of
    15-minute intervals repeat many of them; Erlang A costs milliseconds each)."""
    return _requirement(
        round(contacts, 1), round(aht), interval, target, patience, shrinkage, concurrency
    )


def plan_queue(
    queue_id: int,
    first_day: date,
    days: int,
    interval_minutes: int,
    target: requirements.Target,
    *,
    shrinkage: float = 0.0,
    concurrency: int = 1,
    patience_seconds: float | None = None,
    use_patience_history: bool = False,
    history_days: int = HISTORY_DAYS,
) -> Plan:
    past_first = first_day - timedelta(days=history_days)
    past = history.load(queue_id, past_first, first_day - timedelta(days=1), interval_minutes)
    special = history.special_days(queue_id, past_first, first_day + timedelta(days=days))
    per_day = forecasting.intervals_per_day(interval_minutes)
    # the history starts at the first day with any volume (a young platform has less)
    first_busy = next((i for i, v in enumerate(past.offered) if v > 0), len(past.offered))
    skip_days = first_busy // per_day
    values = past.offered[skip_days * per_day :]
    start = past_first + timedelta(days=skip_days)
    note = ""
    main = base = None
    try:
        base = forecasting.forecast(
            "seasonal_naive", values, start, interval_minutes, days, special
        )
    except NotEnoughHistory:
        note = "less than a week of history: no forecast"
    try:
        main = forecasting.forecast("holt_winters", values, start, interval_minutes, days, special)
        method = "holt_winters"
    except NotEnoughHistory:
        main, method = base, "seasonal_naive"
        if base is not None:
            note = "less than two weeks of history: the seasonal-naive baseline is the forecast"
    patience = patience_seconds
    if patience is None and use_patience_history:
        patience = past.patience_seconds
    rows = []
    for k in range(days * per_day):
        day = first_day + timedelta(days=k // per_day)
        index = k % per_day
        moment = history.local_midnight(day) + timedelta(minutes=index * interval_minutes)
        contacts = main.values[k] if main else 0.0
        aht = past.aht_seconds(day, index)
        need = requirement_for(
            contacts, aht, interval_minutes, target, patience, shrinkage, concurrency
        )
        rows.append(
            IntervalPlan(
                start=moment,
                forecast=contacts,
                baseline=base.values[k] if base else 0.0,
                aht_seconds=aht,
                need=need,
            )
        )
    return Plan(
        queue_id=queue_id,
        first_day=first_day,
        days=days,
        interval_minutes=interval_minutes,
        method=method if main else "",
        forecast=main,
        baseline=base,
        intervals=rows,
        patience_seconds=patience,
        note=note,
    )
