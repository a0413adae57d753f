"""What the forecasts learn from: a queue's KPI history (contactcenter/kpis interval facts)
as contacts offered per interval of whole local days, with the AHT per interval of the week
and the callers' patience measured from abandons."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from contactcenter.kpis import figures
from wfm.forecasting import intervals_per_day
from wfm.models import SpecialDay
from wfm.requirements import patience_from_history


@dataclass(frozen=True)
class History:
    first_day: date
    interval_minutes: int
    offered: list[float]  # per interval, whole days
    # (weekday, interval of day) -> (handle ms, handles): for the AHT of each interval
    work: dict[tuple[int, int], tuple[int, int]]
    overall_aht_seconds: float | None
    patience_seconds: float | None

    def aht_seconds(self, day: date, index: int, default: float = 300.0) -> float:
        """The interval's AHT over the history's same weekday and interval; the history's
        overall AHT when that interval saw no handles."""
        ms, handled = self.work.get((day.weekday(), index), (0, 0))
        if handled:
            return ms / handled / 1000
        return self.overall_aht_seconds or default


def slot(moment: datetime, first_day: date, interval_minutes: int) -> tuple[int, int]:
    """(day offset from first_day, interval of the day) of an aware moment, local time."""
    local = timezone.localtime(moment)
    offset = (local.date() - first_day).days
    return offset, (local.hour * 60 + local.minute) // interval_minutes


def load(queue_id: int, first_day: date, last_day: date, interval_minutes: int) -> History:
    per_day = intervals_per_day(interval_minutes)
    days = (last_day - first_day).days + 1
    start, end = figures.day_range(first_day, last_day)
    quarters = figures.totals("queue", start, end, by="quarter", ids=[str(queue_id)])
    offered = [0.0] * (days * per_day)
    work: dict[tuple[int, int], list[int]] = {}
    handle_ms = handled = abandoned = 0
    abandon_wait = answer_wait = 0
    for bucket, sums in quarters.items():
        offset, index = slot(bucket, first_day, interval_minutes)
        if not 0 <= offset < days:
            continue
        offered[offset * per_day + index] += sums.offered
        weekday = (first_day + timedelta(days=offset)).weekday()
        cell = work.setdefault((weekday, index), [0, 0])
        cell[0] += sums.handle_ms + sums.wrap_ms
        cell[1] += sums.handled
        handle_ms += sums.handle_ms + sums.wrap_ms
        handled += sums.handled
        abandoned += sums.abandoned
        abandon_wait += sums.abandon_wait_ms
        answer_wait += sums.answer_wait_ms
    return History(
        first_day=first_day,
        interval_minutes=interval_minutes,
        offered=offered,
        work={k: (v[0], v[1]) for k, v in work.items()},
        overall_aht_seconds=(handle_ms / handled / 1000) if handled else None,
        patience_seconds=patience_from_history(abandoned, abandon_wait / 1000, answer_wait / 1000),
    )


def special_days(queue_id: int | None, first: date, last: date) -> dict[date, float]:
    """Special days for the queue (and those for every queue), date -> factor."""
    rows = SpecialDay.objects.filter(date__gte=first, date__lte=last)
    out: dict[date, float] = {}
    for row in rows:
        if row.queue_id is None or row.queue_id == queue_id:
            out[row.date] = float(row.factor)
    return out


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=timezone.get_current_timezone())
