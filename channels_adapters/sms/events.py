"""Events of a phone number's SMS consent (stream `sms-consent-<E.164>`)."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class SmsOptedOut(DomainEvent):
    """The number replied STOP (or another opt-out keyword): nothing is sent to it."""

    number: str  # the customer's, E.164
    channel_key: str  # our number it wrote to
    keyword: str
    message_sid: str = ""


@dataclass(frozen=True, kw_only=True)
class SmsOptedIn(DomainEvent):
    """The number replied START (or another opt-in keyword) after opting out."""

    number: str
    channel_key: str
    keyword: str
    message_sid: str = ""
