"""Schedule adherence and conformance, from presence against the published schedule. Pure:
times and states in, figures out; docs/wfm.md defines each figure.

An agent is *in adherence* while what they do matches what the schedule says for that moment:
scheduled `work` wants the agent available (presence `available`, busy or idle); a `break` or
`lunch` wants them away or offline. Outside their shifts nothing is expected and nothing is
counted. Adherence = seconds in adherence ÷ scheduled seconds. Conformance = seconds available
(anywhere in the day) ÷ scheduled work seconds: did they work as much as planned, whenever.
"""

from dataclasses import dataclass, field
from datetime import datetime

EXPECTED = {"work": ("available",), "break": ("away", "offline"), "lunch": ("away", "offline")}


@dataclass(frozen=True)
class Span:
    kind: str  # an activity kind, or a presence
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())


@dataclass(frozen=True)
class Exception_:
    """A stretch out of adherence: what was scheduled and what the agent was doing."""

    start: datetime
    end: datetime
    scheduled: str
    actual: str

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class Figures:
    scheduled_seconds: float = 0.0
    in_adherence_seconds: float = 0.0
    scheduled_work_seconds: float = 0.0
    available_seconds: float = 0.0
    exceptions: list[Exception_] = field(default_factory=list)

    @property
    def scheduled_hours(self) -> float:
        return self.scheduled_seconds / 3600

    @property
    def adherence(self) -> float | None:
        if not self.scheduled_seconds:
            return None
        return self.in_adherence_seconds / self.scheduled_seconds

    @property
    def conformance(self) -> float | None:
        if not self.scheduled_work_seconds:
            return None
        return self.available_seconds / self.scheduled_work_seconds


def timeline(
    changes: list[tuple[datetime, str]], start: datetime, end: datetime, initial: str = "offline"
) -> list[Span]:
    """Presence as spans covering [start, end), from (moment, presence) changes in order;
    `initial` is the presence before the first change."""
    spans: list[Span] = []
    current, cursor = initial, start
    for moment, presence in changes:
        if moment <= start:
            current = presence
            continue
        if moment >= end:
            break
        if moment > cursor:
            spans.append(Span(current, cursor, moment))
            cursor = moment
        current = presence
    if cursor < end:
        spans.append(Span(current, cursor, end))
    return spans


def matches(activity: str, presence: str) -> bool:
    return presence in EXPECTED.get(activity, ())


def compare(activities: list[Span], presence: list[Span], until: datetime | None = None) -> Figures:
    """Adherence figures of scheduled `activities` against `presence` spans (both ordered),
    counting only up to `until` (now, for a day still running)."""
    figures = Figures()
    for act in activities:
        a_end = min(act.end, until) if until else act.end
        if a_end <= act.start:
            continue
        figures.scheduled_seconds += (a_end - act.start).total_seconds()
        if act.kind == "work":
            figures.scheduled_work_seconds += (a_end - act.start).total_seconds()
        for span in presence:
            lo, hi = max(act.start, span.start), min(a_end, span.end)
            if hi <= lo:
                continue
            seconds = (hi - lo).total_seconds()
            if matches(act.kind, span.kind):
                figures.in_adherence_seconds += seconds
            else:
                previous = figures.exceptions[-1] if figures.exceptions else None
                if (
                    previous
                    and previous.end == lo
                    and (previous.scheduled, previous.actual) == (act.kind, span.kind)
                ):
                    figures.exceptions[-1] = Exception_(previous.start, hi, act.kind, span.kind)
                else:
                    figures.exceptions.append(Exception_(lo, hi, act.kind, span.kind))
    for span in presence:
        end = min(span.end, until) if until else span.end
        if span.kind == "available" and end > span.start:
            figures.available_seconds += (end - span.start).total_seconds()
    return figures


@dataclass(frozen=True)
class Now:
    """Real-time adherence of one agent: what the schedule says now, what they are doing,
    and since when they have been out of adherence (None: in adherence, or not scheduled)."""

    scheduled: str  # work, break, lunch, or "off" (no activity now)
    presence: str
    in_adherence: bool
    out_since: datetime | None


def now(
    activities: list[Span], presence: str, presence_since: datetime | None, moment: datetime
) -> Now:
    current = next((a for a in activities if a.start <= moment < a.end), None)
    if current is None:
        return Now("off", presence, True, None)
    if matches(current.kind, presence):
        return Now(current.kind, presence, True, None)
    # out since the later of: the activity began, the presence began
    since = max(current.start, presence_since) if presence_since else current.start
    return Now(current.kind, presence, False, since)
