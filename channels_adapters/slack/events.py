"""Events of the interaction stream that Slack brings and other channels so far do not: a
customer editing or deleting a message they sent. docs/events.md describes both."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CustomerMessageEdited(DomainEvent):
    interaction_id: str
    message_id: str  # our id of the MessageReceived it changes
    external_id: str = ""  # the provider's id of that message
    text: str  # the text as it reads now
    previous_text: str = ""
    edited_at: str = ""  # ISO time the provider says it was edited


@dataclass(frozen=True, kw_only=True)
class CustomerMessageDeleted(DomainEvent):
    interaction_id: str
    message_id: str
    external_id: str = ""
    deleted_at: str = ""
