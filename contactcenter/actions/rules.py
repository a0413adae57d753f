"""Who may act on an interaction: the rules every shell meets (docs/security.md, "The access
model"). Seeing is `contactcenter.access`; acting is decided here, once."""

from django.db.models import Model

from contactcenter.access import ENDED, can_see_customer, opened, opened_with
from contactcenter.actions.actor import Actor, Forbidden, NotVisible
from contactcenter.interactions.domain import InvalidTransition, State
from contactcenter.interactions.models import Interaction

# Limits of what the shells hand over beyond the domain's own (interactions/domain.py): the
# API's serializers quote the same numbers.
REASON_MAX_CHARS = 200
TRANSFER_NOTE_MAX_CHARS = 2_000
CC_MAX_ADDRESSES = 20
DISPOSITION_MAX_CHARS = 50


def visible(actor: Actor, interaction_id: str) -> Interaction:
    """The interaction's row, if the actor may see it (else NotVisible: a 404)."""
    return _seen(opened(actor.user, interaction_id))


def visible_with[M: Model](
    actor: Actor, interaction_id: str, field: str, model: type[M]
) -> tuple[Interaction, M | None]:
    """`visible`, with the row of `model` that the interaction's `field` names, read in the
    same statement."""
    row, named = opened_with(actor.user, interaction_id, field, model)
    return _seen(row), named


def _seen(row: Interaction | None) -> Interaction:
    if row is None:
        raise NotVisible("that interaction is not in your queues")
    return row


def handles(actor: Actor, row: Interaction) -> bool:
    """The actor is the agent who has the interaction now."""
    return row.agent_id is not None and row.agent_id == actor.id


def acting_for(actor: Actor, row: Interaction) -> int:
    """The agent on whose behalf `actor` acts on the interaction, or Forbidden.

    - The agent holding it acts for themself; their rights end with the hand-off.
    - A supervisor acts for the agent holding it (the explicit rule that replaces passing
      another agent's id): the events' actor names the supervisor, the domain sees the
      holder. With nobody holding it the supervisor acts as themself, and the domain says
      what it thinks of that. A team lead does the same for their team's agents only.
    - Once the interaction has ended its last agent may still ask, so that they hear the
      rule (nothing can be done to ended work) rather than a refusal of who they are.
    """
    if handles(actor, row):
        return actor.id
    if actor.supervises(row.agent_id):
        return row.agent_id if row.agent_id is not None else actor.id
    if row.state in ENDED and row.last_agent_id == actor.id:
        return actor.id
    raise Forbidden("Only the agent handling the interaction, or their supervisor.")


def offered_to(actor: Actor, row: Interaction, offer_id: str = "") -> str:
    """The offer the actor answers: only the agent it is offered to, and only while it is."""
    if row.state != State.OFFERED:
        raise InvalidTransition("answer an offer", State(row.state), "nothing is offered")
    if row.offer_agent_id != actor.id:
        raise Forbidden("The interaction is not offered to you.")
    if offer_id and offer_id != row.offer_id:
        raise InvalidTransition("answer the offer", State(row.state), f"offer {offer_id} is over")
    return row.offer_id


def customer_visible(actor: Actor, customer_id: str) -> None:
    if not can_see_customer(actor.user, customer_id):
        raise NotVisible("that customer is not in your queues")
