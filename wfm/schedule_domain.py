"""The Schedule aggregate: its state folded from its own events, and the decisions on it (a
hand edit of a shift, a removal, publishing). Pure: no Django, no database; the commands in
wfm/schedules.py load the stream, call these, and append what they return."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wfm import events as ev

KINDS = ("work", "break", "lunch")


class ScheduleError(ValueError):
    """A decision refused; the message says why (shown to the supervisor)."""


@dataclass
class ScheduleState:
    schedule_id: str = ""
    exists: bool = False
    first_day: date | None = None
    days: int = 0
    shifts: dict[tuple[int, str], dict] = field(default_factory=dict)  # (agent, day) -> shift
    version: int = 0
    published_version: int = 0

    def apply(self, event: Any, version: int) -> None:
        self.version = version
        if isinstance(event, ev.ScheduleGenerated):
            self.schedule_id = event.schedule_id
            self.exists = True
            self.first_day = date.fromisoformat(event.first_day)
            self.days = event.days
            self.shifts = {(s["agent_id"], s["day"]): s for s in event.shifts}
        elif isinstance(event, ev.ScheduleShiftChanged):
            self.shifts[event.agent_id, event.day] = {
                "agent_id": event.agent_id,
                "day": event.day,
                "template": event.template,
                "start": event.start,
                "end": event.end,
                "activities": event.activities,
            }
        elif isinstance(event, ev.ScheduleShiftRemoved):
            self.shifts.pop((event.agent_id, event.day), None)
        elif isinstance(event, ev.SchedulePublished):
            self.published_version = event.version


def fold(events: list[tuple[Any, int]]) -> ScheduleState:
    """The state after `events`, given as (payload, version) in stream order."""
    state = ScheduleState()
    for event, version in events:
        state.apply(event, version)
    return state


def _moment(value: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScheduleError(f"{what} {value!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise ScheduleError(f"{what} needs a time zone")
    return moment


def _day_in_schedule(state: ScheduleState, day: str) -> date:
    if not state.exists:
        raise ScheduleError("no such schedule")
    try:
        when = date.fromisoformat(day)
    except (TypeError, ValueError):
        raise ScheduleError(f"{day!r} is not a date") from None
    offset = (when - state.first_day).days
    if not 0 <= offset < state.days:
        raise ScheduleError(f"{day} is outside the schedule")
    return when


def change_shift(
    state: ScheduleState,
    *,
    agent_id: int,
    day: str,
    start: str,
    end: str,
    activities: list[dict],
    template: str = "",
    reason: str = "",
) -> list[ev.ScheduleShiftChanged]:
    """A shift set by hand. Its activities (work, break, lunch) must lie inside it, in order,
    without overlapping; an empty list means the whole shift is work."""
    _day_in_schedule(state, day)
    begins, ends = _moment(start, "start"), _moment(end, "end")
    if not begins < ends:
        raise ScheduleError("a shift ends after it starts")
    if (ends - begins).total_seconds() > 16 * 3600:
        raise ScheduleError("a shift is at most 16 hours")
    if not activities:
        activities = [{"kind": "work", "start": start, "end": end}]
    cursor = begins
    cleaned = []
    for activity in sorted(activities, key=lambda a: _moment(a.get("start"), "activity start")):
        kind = activity.get("kind")
        if kind not in KINDS:
            raise ScheduleError(f"an activity is one of {', '.join(KINDS)}")
        a, b = _moment(activity["start"], "activity start"), _moment(activity["end"], "end")
        if not (begins <= a < b <= ends):
            raise ScheduleError("each activity lies inside the shift")
        if a < cursor:
            raise ScheduleError("activities overlap")
        cursor = b
        cleaned.append({"kind": kind, "start": a.isoformat(), "end": b.isoformat()})
    current = state.shifts.get((agent_id, day))
    if current and (current["start"], current["end"], current["activities"]) == (
        begins.isoformat(),
        ends.isoformat(),
        cleaned,
    ):
        return []
    return [
        ev.ScheduleShiftChanged(
            schedule_id=state.schedule_id,
            agent_id=agent_id,
            day=day,
            start=begins.isoformat(),
            end=ends.isoformat(),
            activities=cleaned,
            template=template or (current or {}).get("template", ""),
            reason=reason,
        )
    ]


def remove_shift(
    state: ScheduleState, *, agent_id: int, day: str, reason: str = ""
) -> list[ev.ScheduleShiftRemoved]:
    _day_in_schedule(state, day)
    if (agent_id, day) not in state.shifts:
        raise ScheduleError("that agent has no shift that day")
    return [
        ev.ScheduleShiftRemoved(
            schedule_id=state.schedule_id, agent_id=agent_id, day=day, reason=reason
        )
    ]


def publish(state: ScheduleState) -> list[ev.SchedulePublished]:
    """Publish the schedule as it stands; nothing to do when that version is already out."""
    if not state.exists:
        raise ScheduleError("no such schedule")
    if state.published_version and state.published_version == state.version:
        return []
    # the published event itself is version + 1: agents see everything before it
    return [ev.SchedulePublished(schedule_id=state.schedule_id, version=state.version + 1)]
