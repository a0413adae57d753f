"""Events of the agent stream (`agent-<user id>`) and the queue stream (`queue-<id>`)."""

from dataclasses import dataclass, field

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class AgentPresenceChanged(DomainEvent):
    agent_id: int
    presence: str  # offline, available, away
    reason: str = ""  # an away reason code, or "missed_offers"
    previous: str = ""
    changed_by: str = ""  # "agent", "supervisor:<id>", "system"
    # The agent's capacity per channel as configured at the change: KPIs weight occupancy by
    # it, and configuration is not in the log, so the log records what it was.
    capacity: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class QueueHoursChanged(DomainEvent):
    """A queue opened or closed by its business-hours calendar."""

    queue_id: int
    is_open: bool
