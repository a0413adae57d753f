"""Events of privacy (docs/events.md)."""

from dataclasses import dataclass, field

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CustomerErased(DomainEvent):
    """The customer's data key is destroyed: their personal fields read "erased" everywhere.
    On the customer's stream; `also_erased` lists customers merged into them earlier."""

    customer_id: str
    requested_by: str = ""
    also_erased: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class RetentionPurged(DomainEvent):
    """A retention policy purged one kind of data of a channel ("" for every channel) from
    before a day: `keys` data keys destroyed, `files` stored files deleted (attachments,
    recordings: each recording's deletion is a RecordingDeleted besides) (stream
    `privacy-retention`)."""

    channel: str
    kind: str  # message_text, attachments, recordings
    before: str  # ISO date: data from earlier days is gone
    keys: int
    files: int = 0
