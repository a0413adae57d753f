"""Every KPI, computed in one place from summed interval facts (docs/kpis.md: the formulas).

Facts are sums, so a range of intervals adds up first and the ratios are taken once: true
means and rates over the range, never averages of averages. `totals` sums facts per group in
one query; `Figures` turns one group's sums into the KPIs; `today` is what a wallboard asks.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from contactcenter import clock
from contactcenter.kpis import settings as kpi
from contactcenter.kpis.buckets import BUCKET
from contactcenter.kpis.models import COUNTERS, DailyFact, IntervalFact

PPM = 1_000_000
SUMMED = frozenset(COUNTERS) | {"fcr_final_candidates", "fcr_final_repeated"}


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None (shown as a dash) when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    """The KPIs of one group (a queue, an agent, a channel, an interval) over a range."""

    sums: dict[str, int]

    def __getattr__(self, name: str) -> int:
        if name in SUMMED:
            return self.sums.get(name, 0)
        raise AttributeError(name)

    # -- queueing --------------------------------------------------------------------------
    @property
    def service_level(self) -> float | None:
        """Answered within the threshold ÷ answered (the answered-based variant)."""
        return ratio(self.answered_in_sl, self.answered)

    @property
    def service_level_offered(self) -> float | None:
        """Answered within the threshold ÷ (answered + abandoned)."""
        return ratio(self.answered_in_sl, self.answered + self.abandoned)

    @property
    def service_level_short_excluded(self) -> float | None:
        """Answered within the threshold ÷ (answered + abandoned - short abandons)."""
        return ratio(self.answered_in_sl, self.answered + self.abandoned - self.abandoned_short)

    @property
    def asa_seconds(self) -> float | None:
        """Average speed of answer: total wait of answered contacts ÷ answered."""
        return _seconds(ratio(self.answer_wait_ms, self.answered))

    @property
    def abandon_rate(self) -> float | None:
        """Abandoned ÷ (answered + abandoned)."""
        return ratio(self.abandoned, self.answered + self.abandoned)

    @property
    def abandon_rate_short_excluded(self) -> float | None:
        """(Abandoned - short) ÷ (answered + abandoned - short)."""
        long = self.abandoned - self.abandoned_short
        return ratio(long, self.answered + long)

    @property
    def average_abandon_wait_seconds(self) -> float | None:
        return _seconds(ratio(self.abandon_wait_ms, self.abandoned))

    # -- handling (inbound contacts) --------------------------------------------------------
    @property
    def aht_seconds(self) -> float | None:
        """Average handle time of inbound contacts: (conversation + wrap-up) ÷ handles."""
        return _seconds(ratio(self.handle_ms + self.wrap_ms, self.handled))

    @property
    def average_talk_seconds(self) -> float | None:
        return _seconds(ratio(self.handle_ms, self.handled))

    @property
    def average_wrap_up_seconds(self) -> float | None:
        """Wrap-up time ÷ wrap-ups."""
        return _seconds(ratio(self.wrap_ms, self.wrapped))

    @property
    def transfer_rate(self) -> float | None:
        """Handles that ended in a transfer ÷ handles."""
        return ratio(self.transferred, self.handled)

    # -- outbound contacts (an agent reached out) ------------------------------------------
    @property
    def outbound_aht_seconds(self) -> float | None:
        """(Conversation + wrap-up) ÷ handles, of outbound contacts."""
        return _seconds(
            ratio(self.outbound_handle_ms + self.outbound_wrap_ms, self.outbound_handled)
        )

    @property
    def outbound_average_wrap_up_seconds(self) -> float | None:
        return _seconds(ratio(self.outbound_wrap_ms, self.outbound_wrapped))

    @property
    def all_handled(self) -> int:
        """Handles of both directions (what an agent got through)."""
        return self.handled + self.outbound_handled

    @property
    def outbound_share(self) -> float | None:
        """Outbound handles ÷ all handles (how blended the work was)."""
        return ratio(self.outbound_handled, self.all_handled)

    # -- async channels, resolution, satisfaction ------------------------------------------
    @property
    def first_response_seconds(self) -> float | None:
        return _seconds(ratio(self.first_response_ms, self.first_responses))

    @property
    def resolution_seconds(self) -> float | None:
        return _seconds(ratio(self.resolution_ms, self.resolved))

    @property
    def fcr(self) -> float | None:
        """Resolved contacts whose customer did not come back within the window ÷ resolved
        contacts, over intervals whose window has passed (final figures only)."""
        final = self.fcr_final_candidates
        return ratio(final - self.fcr_final_repeated, final)

    @property
    def fcr_provisional(self) -> float | None:
        """The same over every interval, counting repeats seen so far."""
        return ratio(self.fcr_candidates - self.fcr_repeated, self.fcr_candidates)

    @property
    def csat(self) -> float | None:
        """Ratings of 4 or 5 ÷ ratings."""
        return ratio(self.csat_satisfied, self.csat_count)

    @property
    def csat_mean(self) -> float | None:
        return ratio(self.csat_sum, self.csat_count)

    @property
    def csat_response_rate(self) -> float | None:
        """Surveys answered ÷ surveys sent (the widget's ratings, asked without a survey,
        count in CSAT but not here)."""
        return ratio(self.csat_survey_answers, self.csat_surveys)

    # -- cost ------------------------------------------------------------------------------
    @property
    def channel_cost(self) -> float:
        """What the channel's provider billed: units at COST_PER_CHANNEL_UNIT when counted."""
        return self.channel_cost_micros / PPM

    @property
    def agent_cost(self) -> float:
        """Handle time (conversation + wrap-up) of both directions at COST_PER_AGENT_HOUR."""
        handling_ms = (
            self.handle_ms + self.wrap_ms + self.outbound_handle_ms + self.outbound_wrap_ms
        )
        return handling_ms / 3_600_000 * kpi.agent_hour_cost()

    @property
    def cost_per_contact(self) -> float | None:
        """(Agent cost + channel cost) ÷ handles, inbound and outbound: a contact the team
        placed costs too."""
        return ratio(self.agent_cost + self.channel_cost, self.all_handled)

    # -- agents' time ----------------------------------------------------------------------
    @property
    def occupancy(self) -> float | None:
        """Capacity in use ÷ time available or working (weighted by capacity)."""
        return ratio(self.capacity_used_ppm_ms / PPM, self.occupiable_ms)

    @property
    def occupancy_any_work(self) -> float | None:
        """Time holding any work ÷ time available or working (one chat = busy)."""
        return ratio(self.working_ms, self.occupiable_ms)

    @property
    def utilisation(self) -> float | None:
        """Capacity in use ÷ logged-in time (away included)."""
        return ratio(self.capacity_used_ppm_ms / PPM, self.logged_in_ms)

    @property
    def logged_in_hours(self) -> float:
        return self.logged_in_ms / 3_600_000

    def as_dict(self) -> dict[str, float | int | None]:
        return {name: getattr(self, name) for name in FIGURES}


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000


FIGURES = [
    name
    for name, value in vars(Figures).items()
    if isinstance(value, property) and not name.startswith("_")
]


SUM = "sum_"  # annotations may not reuse the fields' names


def _sums(final: Q) -> dict:
    sums = {SUM + name: Sum(name, default=0) for name in COUNTERS}
    sums[SUM + "fcr_final_candidates"] = Sum("fcr_candidates", filter=final, default=0)
    sums[SUM + "fcr_final_repeated"] = Sum("fcr_repeated", filter=final, default=0)
    return sums


def _figures(row: dict) -> Figures:
    return Figures({name.removeprefix(SUM): value for name, value in row.items()})


def combine(groups: Iterable[Figures]) -> Figures:
    """The figures of several groups together (a report's total row)."""
    total: dict[str, int] = {}
    for group in groups:
        for name, value in group.sums.items():
            total[name] = total.get(name, 0) + value
    return Figures(total)


def fcr_cutoff(now: datetime | None = None) -> datetime:
    """Intervals starting before this have every resolved contact's window behind them."""
    return (now or clock.now()) - timedelta(milliseconds=kpi.fcr_window_ms()) - BUCKET


def _whole_days(start: datetime, end: datetime) -> tuple[date, date] | None:
    """[start, end) as local days [first, after), when both are local midnights."""
    zone = timezone.get_current_timezone()
    first, after = start.astimezone(zone), end.astimezone(zone)
    if first.time() == after.time() == time.min:
        return first.date(), after.date()
    return None


def totals(
    dimension: str,
    start: datetime,
    end: datetime,
    *,
    by: str = "dimension_id",
    ids: list[str] | None = None,
    now: datetime | None = None,
) -> dict:
    """Sums of `dimension`'s facts in [start, end) per `by`: "dimension_id", "all", or an
    interval length, "quarter" / "hour" / "day" (in the current time zone). Whole days are
    read from the daily facts, shorter spans from the 15-minute ones."""
    now = now or clock.now()
    days = _whole_days(start, end) if by in ("dimension_id", "all", "day") else None
    if days is not None:
        queryset = DailyFact.objects.filter(dimension=dimension, day__gte=days[0], day__lt=days[1])
        final = Q(day__lt=timezone.localdate(now - timedelta(milliseconds=kpi.fcr_window_ms())))
    else:
        queryset = IntervalFact.objects.filter(
            dimension=dimension, bucket__gte=start, bucket__lt=end
        )
        final = Q(bucket__lt=fcr_cutoff(now))
    if ids is not None:
        queryset = queryset.filter(dimension_id__in=ids)
    sums = _sums(final)
    if by == "all":
        return {"all": _figures(queryset.aggregate(**sums))}
    if by == "dimension_id":
        rows = queryset.values("dimension_id").annotate(**sums).order_by("dimension_id")
        return {row.pop("dimension_id"): _figures(row) for row in rows}
    if days is not None:  # by day, from the daily facts
        zone = timezone.get_current_timezone()
        rows = queryset.values("day").annotate(**sums).order_by("day")
        return {
            datetime.combine(row.pop("day"), time.min).replace(tzinfo=zone): _figures(row)
            for row in rows
        }
    if by == "quarter":
        rows = queryset.values("bucket").annotate(**sums).order_by("bucket")
        return {row.pop("bucket"): _figures(row) for row in rows}
    zone = timezone.get_current_timezone()
    rows = (
        queryset.annotate(period=Trunc("bucket", by, tzinfo=zone))
        .values("period")
        .annotate(**sums)
        .order_by("period")
    )
    return {row.pop("period"): _figures(row) for row in rows}


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the current time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min).replace(tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min).replace(tzinfo=zone)
    return start, end


def today(dimension: str, now: datetime | None = None) -> dict[str, Figures]:
    """Today's figures (the current time zone's day) per queue, agent or channel id, from
    the facts: what the wallboard shows beside its live counts."""
    now = now or clock.now()
    local = timezone.localdate(now)
    start, end = day_range(local, local)
    return totals(dimension, start, end, now=now)
