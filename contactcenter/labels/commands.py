"""Label and attribute commands: decide from what is set now, append only what changes (so a
repeated request appends nothing)."""

from collections.abc import Iterable, Mapping

from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, Interaction
from contactcenter.labels import current, definitions
from contactcenter.labels import events as ev
from contactcenter.labels.models import Subject
from crm.customers import CustomerStream


def _changes(
    subject: str,
    subject_id: str,
    add: Iterable[str],
    remove: Iterable[str],
    attributes: Mapping[str, str],
) -> tuple[list[str], list[str], dict[str, str]]:
    """(labels to add, labels to remove, attributes to set) that change anything."""
    now = set(current.labels(subject, subject_id))
    add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
    for label in add:
        definitions.require_label(subject, label)
    if set(add) & set(remove):
        raise DomainError("a label cannot be added and removed at once")
    known = definitions.attributes_for(subject)
    values = current.attributes(subject, subject_id)
    setting = {}
    for key, value in attributes.items():
        if key not in known:
            raise DomainError(f"no attribute {key!r} of a {subject}")
        cleaned = definitions.clean_value(known[key], str(value))
        if cleaned != values.get(key, ""):
            setting[key] = cleaned
    return [lb for lb in add if lb not in now], [lb for lb in remove if lb in now], setting


@command
def change_conversation(
    interaction_id: str,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    attributes: Mapping[str, str] | None = None,
) -> int:
    """Returns how many changes were recorded."""

    def decide(interaction: Interaction) -> list[DomainEvent]:
        adding, removing, setting = _changes(
            Subject.CONVERSATION, interaction.id, add, remove, attributes or {}
        )
        return [
            *(ev.ConversationLabelled(interaction_id=interaction.id, label=lb) for lb in adding),
            *(
                ev.ConversationUnlabelled(interaction_id=interaction.id, label=lb)
                for lb in removing
            ),
            *(
                ev.ConversationAttributeSet(interaction_id=interaction.id, key=k, value=v)
                for k, v in setting.items()
            ),
        ]

    return len(interactions.decide_and_append(interaction_id, decide))


@command
def change_customer(
    customer_id: str,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    attributes: Mapping[str, str] | None = None,
) -> int:
    customer = CustomerStream.load(customer_id)
    customer.live()
    adding, removing, setting = _changes(
        Subject.CUSTOMER, customer_id, add, remove, attributes or {}
    )
    events: list[DomainEvent] = [
        *(ev.CustomerLabelled(customer_id=customer_id, label=lb) for lb in adding),
        *(ev.CustomerUnlabelled(customer_id=customer_id, label=lb) for lb in removing),
        *(
            ev.CustomerAttributeSet(customer_id=customer_id, key=k, value=v)
            for k, v in setting.items()
        ),
    ]
    return len(aggregates.append(customer, events))
