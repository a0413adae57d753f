"""Supervisors' actions that are not already another app's event, and their alerts."""

from dataclasses import dataclass, field
from typing import Any

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class InteractionMonitored(DomainEvent):
    """A supervisor opened the live conversation (read-only). Recorded for the audit trail."""

    interaction_id: str
    supervisor_id: int
    supervisor_name: str = ""


@dataclass(frozen=True, kw_only=True)
class InteractionMonitoringEnded(DomainEvent):
    """The supervisor stopped monitoring: by choice, by leaving the wallboard, or because the
    conversation ended. With InteractionMonitored it brackets one monitoring session."""

    interaction_id: str
    supervisor_id: int
    why: str = "stopped"  # stopped, left, closed


@dataclass(frozen=True, kw_only=True)
class SupervisorBarged(DomainEvent):
    """A supervisor joined the conversation; their messages go to the customer too."""

    interaction_id: str
    supervisor_id: int
    supervisor_name: str = ""


@dataclass(frozen=True, kw_only=True)
class AlertRaised(DomainEvent):
    """Something slow-moving needs a supervisor: a queue below its service level, an
    interaction waiting past its threshold, an agent away past their reason's limit."""

    alert: str  # its key: "<kind>:<subject>"
    kind: str  # queue_below_sl, waiting_past_sl, away_too_long, out_of_adherence
    subject: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AlertCleared(DomainEvent):
    alert: str
