"""Events of the customer stream (`customer-<id>`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contactcenter.events.types import DomainEvent

if TYPE_CHECKING:  # the store needs Django's settings; the event types load without them
    from contactcenter.events.store import RecordedEvent


@dataclass(frozen=True, kw_only=True)
class CustomerRegistered(DomainEvent):
    customer_id: str
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class CustomerIdentityAdded(DomainEvent):
    customer_id: str
    kind: str  # email, phone, slack, web
    address: str  # normalised: lower-case e-mail, E.164 phone, TEAM:USER, visitor id
    display_name: str = ""


@dataclass(frozen=True, kw_only=True)
class CustomerProfileUpdated(DomainEvent):
    customer_id: str
    name: str | None = None
    company: str | None = None
    language: str | None = None


@dataclass(frozen=True, kw_only=True)
class CustomerNoteAdded(DomainEvent):
    customer_id: str
    note_id: str
    author: str
    author_name: str = ""
    text: str


@dataclass(frozen=True, kw_only=True)
class CustomerMerged(DomainEvent):
    """This customer turned out to be `into_customer_id`: identities, notes and interactions
    move there, and this record stays only as a pointer."""

    customer_id: str
    into_customer_id: str


def customers_named(events: Iterable["RecordedEvent"]) -> set[str]:
    """The customers recorded events open an interaction for or merge (both sides): the rows
    a projection keyed by customer reads for a batch before applying it (`Projector.prepare`)."""
    customers = set()
    for event in events:
        if event.type == "InteractionCreated":
            customers.add(event.data["customer_id"])
        elif event.type == "CustomerMerged":
            customers.update((event.data["customer_id"], event.data["into_customer_id"]))
    return customers
