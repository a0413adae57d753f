"""Decide and append: the one way a stream is written.

An aggregate is one stream's state and the rules that decide its next events. Load it (its
version comes from the log, never from the caller), let it decide, append at its version:

    customer = Customer.load(customer_id)
    aggregates.append(customer, customer.add_note(...))

or in one call, `decide_and_append(Customer, customer_id, lambda c: c.add_note(...))`. A
writer that got there first makes the append fail with ConcurrencyError, and `@command`
retries the whole decision from the top. An aggregate loaded from its inline projection row
(an interaction: `Interaction.version` follows its stream) is appended the same way.
`store.append` is called from here and nowhere else outside contactcenter/events: ruff's
banned-api refuses it elsewhere (pyproject.toml), so a hand-made expected version cannot
creep back.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self

from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent

# What other parts add to an event as it is appended, from facts only they know (a channel's
# billed units: channels_adapters.base.with_billed_units). Each returns the event or a copy.
Stamp = Callable[[DomainEvent], DomainEvent]
_stamps: list[Stamp] = []


def stamp_with(stamp: Stamp) -> None:
    """Called from an AppConfig.ready()."""
    if stamp not in _stamps:
        _stamps.append(stamp)


def _stamped(event: DomainEvent) -> DomainEvent:
    for stamp in _stamps:
        event = stamp(event)
    return event


class Versioned(Protocol):
    """What `append` needs of an aggregate: its stream, and the version it was loaded at."""

    version: int

    @property
    def stream_id(self) -> str: ...


class Aggregate:
    """State folded from one stream. Subclasses name their stream (`stream_prefix`), fold the
    events they need in `when`, and decide in methods that return events without appending.

    `folds = False` is for aggregates that decide from their inline projection (loaded by the
    subclass) and need only the stream's version: loading reads the head, not every event.
    """

    stream_prefix: ClassVar[str]
    folds: ClassVar[bool] = True

    def __init__(self, key: Any) -> None:
        self.key = key
        self.version = 0

    @property
    def stream_id(self) -> str:
        return f"{self.stream_prefix}-{self.key}"

    @property
    def is_new(self) -> bool:
        return self.version == 0

    def when(self, event: RecordedEvent) -> None:
        """Fold one recorded event into the state (override for the events that matter)."""

    @classmethod
    def load(cls, key: Any) -> Self:
        aggregate = cls(key)
        if not cls.folds:
            aggregate.version = store.stream_version(aggregate.stream_id)
            return aggregate
        for event in store.read_stream(aggregate.stream_id):
            aggregate.version = event.version
            aggregate.when(event)
        return aggregate


@dataclass
class Head:
    """A stream at its head version, for a decision whose rules read projections rather than
    the stream's own events (an erasure, a retention purge): the version still comes from
    the log, so a concurrent writer still makes the append fail and the command retry."""

    stream_id: str
    version: int

    @classmethod
    def of(cls, stream_id: str) -> "Head":
        return cls(stream_id, store.stream_version(stream_id))


def append(
    aggregate: Versioned,
    events: Sequence[DomainEvent],
    *,
    idempotency_key: str | None = None,
    **options: Any,
) -> list[RecordedEvent]:
    """Append what `aggregate` decided, at the version it was loaded at (then it is at the
    version of the last event appended)."""
    recorded = store.append(
        aggregate.stream_id,
        [_stamped(e) for e in events],
        aggregate.version,
        idempotency_key,
        **options,
    )
    if recorded:
        aggregate.version = recorded[-1].version
    return recorded


def decide_and_append[A: Aggregate](
    kind: type[A],
    key: Any,
    decide: Callable[[A], Sequence[DomainEvent]],
    *,
    idempotency_key: str | None = None,
) -> list[RecordedEvent]:
    """Load `kind` for `key`, let `decide` say what happens, append it (inside a @command)."""
    aggregate = kind.load(key)
    return append(aggregate, decide(aggregate), idempotency_key=idempotency_key)


def append_many(
    decisions: Sequence[tuple[Versioned, Sequence[DomainEvent]]],
    *,
    idempotency_keys: Mapping[str, str | None] | None = None,
    **options: Any,
) -> list[RecordedEvent]:
    """Several aggregates' decisions in one statement, all or nothing (a router's round of
    offers), each at the version its aggregate was loaded at; `idempotency_keys` by stream."""
    keys = idempotency_keys or {}
    appends = [
        store.Append(a.stream_id, [_stamped(e) for e in events], a.version, keys.get(a.stream_id))
        for a, events in decisions
    ]
    recorded = store.append_batch(appends, **options)
    heads = {event.stream_id: event.version for event in recorded}
    for aggregate, _ in decisions:
        aggregate.version = heads.get(aggregate.stream_id, aggregate.version)
    return recorded
