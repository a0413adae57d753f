"""Presence: an agent sets their own; a supervisor may set anyone's, a team lead their team's
(and says so in the event's `changed_by`)."""

from contactcenter.actions.actor import Actor, Forbidden
from contactcenter.actions.rules import REASON_MAX_CHARS
from contactcenter.interactions.domain import require_length
from routing import presence


def may_set(actor: Actor, agent_id: int) -> None:
    """One's own presence, or (supervisors) anyone's, or (team leads) their team's."""
    if agent_id != actor.id and not actor.supervises(agent_id):
        raise Forbidden("Only supervisors change another agent's presence.")


def set_presence(actor: Actor, agent_id: int, presence_: str, reason: str = "") -> bool:
    """False when the agent already was exactly that."""
    may_set(actor, agent_id)
    require_length("a reason", reason, REASON_MAX_CHARS)
    if agent_id == actor.id:
        with actor.acting(actor.as_agent):
            return presence.set_presence(agent_id, presence_, reason, changed_by="agent")
    with actor.acting():
        return presence.set_presence(agent_id, presence_, reason, changed_by=actor.name)


def softphone(actor: Actor, on: bool, reason: str = "") -> bool:
    """One's own console softphone on (the microphone allowed) or off; False when unchanged."""
    require_length("a reason", reason, REASON_MAX_CHARS)
    with actor.acting(actor.as_agent):
        return presence.set_softphone(actor.id, on, reason)
