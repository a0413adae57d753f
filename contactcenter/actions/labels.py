"""Labels and custom attributes, set by people: on a conversation by anyone who may see it
(like a note), on a customer by anyone who may see the customer. The events name the actor,
which is how the console's timeline says who changed what."""

from collections.abc import Mapping, Sequence

from contactcenter.actions import rules
from contactcenter.actions.actor import Actor
from contactcenter.interactions.domain import DomainError
from contactcenter.labels import commands

MAX_CHANGES = 50  # labels and attributes in one request


def _checked(add: Sequence[str], remove: Sequence[str], attributes: Mapping[str, str]) -> None:
    if len(add) + len(remove) + len(attributes) > MAX_CHANGES:
        raise DomainError(f"at most {MAX_CHANGES} changes at once")


def change_conversation(
    actor: Actor,
    interaction_id: str,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    attributes: Mapping[str, str] | None = None,
) -> int:
    """Returns how many changes were recorded (0: it already was so)."""
    rules.visible(actor, interaction_id)
    _checked(add, remove, attributes or {})
    with actor.acting():
        return commands.change_conversation(
            interaction_id, add=add, remove=remove, attributes=attributes or {}
        )


def change_customer(
    actor: Actor,
    customer_id: str,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    attributes: Mapping[str, str] | None = None,
) -> int:
    rules.customer_visible(actor, customer_id)
    _checked(add, remove, attributes or {})
    with actor.acting():
        return commands.change_customer(
            customer_id, add=add, remove=remove, attributes=attributes or {}
        )
