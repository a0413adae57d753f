"""Events of the customer stream (`customer-<id>`)."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


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
