"""Events of follow-ups (on the interaction's stream)."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class FollowUpDue(DomainEvent):
    """The follow-up asked for at wrap-up came due: the conversation comes back, offered to
    `agent_id` first, with their note. `requeued` is False when it was open already (the
    customer came back first) or no queue takes it: then it is only a reminder."""

    interaction_id: str
    agent_id: int
    note: str = ""
    due_at: str  # ISO time it was due
    requeued: bool = True
