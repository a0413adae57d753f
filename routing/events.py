"""Events of the agent stream (`agent-<user id>`) and the queue stream (`queue-<id>`)."""

from dataclasses import dataclass, field
from typing import ClassVar

from contactcenter.events.types import DomainEvent, added_fields


@dataclass(frozen=True, kw_only=True)
class AgentPresenceChanged(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no capacity
    agent_id: int
    presence: str  # offline, available, away
    reason: str = ""  # an away reason code, or "missed_offers"
    previous: str = ""
    changed_by: str = ""  # "agent", "supervisor:<id>", "system"
    # The agent's capacity per channel as configured at the change: KPIs weight occupancy by
    # it, and configuration is not in the log, so the log records what it was.
    capacity: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AgentDisconnected(DomainEvent):
    """The agent's last console socket is gone (closed, timed out, or its server process
    died). No new offers from now; offline (disconnected) at `grace_until` unless a console
    comes back first (a reload is back within seconds)."""

    agent_id: int
    grace_until: str  # ISO time
    why: str = ""  # "closed" (the socket closed or stopped answering pings), "server_gone"


@dataclass(frozen=True, kw_only=True)
class AgentReconnected(DomainEvent):
    """A console of the agent's is open again, within the grace period: as before."""

    agent_id: int


@dataclass(frozen=True, kw_only=True)
class SoftphoneTurnedOn(DomainEvent):
    """The agent's console softphone is on, the microphone allowed: for an agent whose voice
    endpoint is the softphone, calls count toward their capacity from now."""

    agent_id: int


@dataclass(frozen=True, kw_only=True)
class SoftphoneTurnedOff(DomainEvent):
    """The softphone is off: no calls are offered to a softphone agent until it is on again."""

    agent_id: int
    reason: str = ""  # "turned off", "microphone not allowed", "the console went away"


@dataclass(frozen=True, kw_only=True)
class QueueHoursChanged(DomainEvent):
    """A queue opened or closed by its business-hours calendar."""

    queue_id: int
    is_open: bool


# Upcasters: fields added since events were first stored (docs/events.md, schema versions).
added_fields("AgentPresenceChanged", from_version=1, capacity={})
