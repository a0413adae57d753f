"""Events of labels and custom attributes. A conversation's are on its interaction stream,
a customer's on the customer stream; the actor (who changed it) is in their metadata."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class ConversationLabelled(DomainEvent):
    interaction_id: str
    label: str


@dataclass(frozen=True, kw_only=True)
class ConversationUnlabelled(DomainEvent):
    interaction_id: str
    label: str


@dataclass(frozen=True, kw_only=True)
class ConversationAttributeSet(DomainEvent):
    interaction_id: str
    key: str
    value: str  # empty: cleared


@dataclass(frozen=True, kw_only=True)
class CustomerLabelled(DomainEvent):
    customer_id: str
    label: str


@dataclass(frozen=True, kw_only=True)
class CustomerUnlabelled(DomainEvent):
    customer_id: str
    label: str


@dataclass(frozen=True, kw_only=True)
class CustomerAttributeSet(DomainEvent):
    customer_id: str
    key: str
    value: str  # empty: cleared
