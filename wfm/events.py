"""Events of the schedule stream (`schedule-<id>`): a schedule is generated, its shifts are
edited by hand, and it is published to agents. docs/events.md lists the fields."""

from dataclasses import dataclass, field

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class ScheduleGenerated(DomainEvent):
    schedule_id: str
    first_day: str  # YYYY-MM-DD, local
    days: int
    interval_minutes: int
    queues: list = field(default_factory=list)
    requirement: dict = field(default_factory=dict)  # queue -> agents per interval
    # [{agent_id, day, template, start, end, activities: [{kind, start, end}]}], ISO times
    shifts: list = field(default_factory=list)
    required: int = 0  # agent-intervals
    under: int = 0
    over: int = 0


@dataclass(frozen=True, kw_only=True)
class ScheduleShiftChanged(DomainEvent):
    """A shift added or replaced by hand (a supervisor's edit)."""

    schedule_id: str
    agent_id: int
    day: str
    start: str
    end: str
    activities: list = field(default_factory=list)
    template: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ScheduleShiftRemoved(DomainEvent):
    schedule_id: str
    agent_id: int
    day: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class SchedulePublished(DomainEvent):
    """Agents see the schedule as it stands at `version` (My schedule in the console)."""

    schedule_id: str
    version: int
