"""append, read_stream and read_all: the only code that writes or follows the event log.

Order and gaps (docs/events.md has the measurements behind this choice):
- On PostgreSQL a trigger stamps each row with its transaction id. `read_all` orders by
  (txid, position) and returns only rows whose transaction is older than the oldest one still
  running, so an event committed late by a slow writer is never skipped by a reader that has
  already moved past it. Writers are never serialised.
- Command transactions run REPEATABLE READ (see `contactcenter.commands`), so a transaction that
  saw another's events always has the larger txid; the trigger also refuses to append to a
  stream whose head came from a newer transaction. Together: each stream's events come out in
  version order, and cause before effect.
- On SQLite writers are serialised (BEGIN IMMEDIATE), so position order is commit order.
"""

import contextlib
import dataclasses
import functools
import re
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import orjson
import psycopg
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from contactcenter import clock
from contactcenter.events import context, row_statements, sealing
from contactcenter.events.types import DomainEvent, current_version, upcast
from contactcenter.postgresql import first_statement

if TYPE_CHECKING:  # projections import this module
    from contactcenter.events import projections

TABLE = "event_log"
COLUMNS = (
    "position, txid, stream_id, version, type, data, metadata, occurred_at, recorded_at, "
    "idempotency_key, schema_version"
)


# The oldest transaction of *this* database still running (or, if none, the next id to be
# given out): every event below it is committed or never will be. A snapshot lists running
# transactions of the whole cluster; those of other databases cannot write our log, so they
# are left out, or a long transaction next door would hold our followers back. A transaction
# that ends between the snapshot and the look at pg_stat_activity stays in: we only ever err
# towards waiting. (xip holds 64-bit ids, backend_xid the low 32 bits.)
HORIZON = """(
    SELECT COALESCE(MIN(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
      FROM pg_snapshot_xip(pg_current_snapshot()) AS x
     WHERE mod(x::text::bigint, 4294967296) NOT IN (
           SELECT backend_xid::text::bigint FROM pg_stat_activity
            WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()))"""


class EventStoreError(Exception):
    pass


class ConcurrencyError(EventStoreError):
    """Another writer appended to the stream first; reload and decide again."""

    def __init__(self, stream_id: str, expected_version: int, actual_version: int | None = None):
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        actual = "" if actual_version is None else f", but it is at version {actual_version}"
        super().__init__(
            f"stream {stream_id!r} was expected at version {expected_version}{actual}: "
            "another writer appended first"
        )


class DuplicateAppend(EventStoreError):
    """The idempotency key was used before: what it stands for is already in the log."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(f"idempotency key {key!r} was already appended")


class UnknownPosition(EventStoreError):
    def __init__(self, position: int):
        self.position = position
        super().__init__(f"no event at position {position}")


@dataclass(frozen=True)
class RecordedEvent:
    position: int
    txid: int
    stream_id: str
    version: int
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=timezone.now)
    recorded_at: datetime | None = None
    idempotency_key: str | None = None
    # The schema version of `data` as held here: read from the log, it is already upcast to
    # the type's current version (the row keeps the version it was written in).
    schema_version: int = 1

    @cached_property
    def payload(self) -> DomainEvent:
        return DomainEvent.decode(self.type, self.data, self.schema_version)

    @property
    def actor(self) -> str:
        return self.metadata.get("actor", "")


# Subscribers called with the events of each committed transaction (pushes, router wake-ups).
_after_commit: list[Callable[[list[RecordedEvent]], None]] = []
# Hooks called inside the appending transaction, after the inline projections (a NOTIFY that
# PostgreSQL delivers to other processes at commit, say).
_in_transaction: list[Callable[[list[RecordedEvent]], None]] = []


# Channels PostgreSQL tells its listeners of at the commit of an append with an event they
# want (by the events' types): asked for in the append's own INSERT (pg_notify), where a
# statement of its own after it was one more at every arrival for the routers (issue 18).
_notices: dict[str, Callable[[frozenset[str]], bool]] = {}


def notify_at_commit(channel: str, wanted: Callable[[frozenset[str]], bool]) -> None:
    """On PostgreSQL, NOTIFY `channel` when an append whose events' types are `wanted`
    commits (nothing, if it rolls back); elsewhere nothing listens."""
    _notices[channel] = wanted


def on_committed(callback: Callable[[list[RecordedEvent]], None]) -> None:
    if callback not in _after_commit:
        _after_commit.append(callback)


def on_append(hook: Callable[[list[RecordedEvent]], None]) -> None:
    if hook not in _in_transaction:
        _in_transaction.append(hook)


def as_committed[M: Model](model: type[M], pks: Iterable[Any]) -> list[M]:
    """For a subscriber (`on_committed`): the rows with these keys as the append it is told
    of left them. Those its inline projections wrote come from memory (a row written in the
    transaction is as its commit left it), as do the others they held. The rest are read.
    Interaction rows, the ones asked for, are written by every event of theirs. An accepted
    offer's push and the voice bridge both wanted the interaction's row, two reads the
    projection had just made (issue 18)."""
    rows = getattr(_local, "held", None)
    wanted = list(dict.fromkeys(pks))
    held = {pk: rows.holding(model, pk) for pk in wanted} if rows is not None else {}
    found = [row for row in held.values() if row is not None]
    return found + row_statements.by_keys(model, [pk for pk in wanted if held.get(pk) is None])


def held[M: Model](model: type[M], pk: Any) -> M | None:
    """For a subscriber (`on_committed`): the row with this key as the append it is told of
    left it, if its inline projections held it; None otherwise, read from nowhere. What a
    push may add from it (an activity line) a client that misses it reads instead."""
    rows = getattr(_local, "held", None)
    return rows.holding(model, pk) if rows is not None else None


@dataclass(frozen=True)
class Append:
    """One stream's part of a batch: `events` after `expected_version`."""

    stream_id: str
    events: Sequence[DomainEvent]
    expected_version: int
    idempotency_key: str | None = None


def append(
    stream_id: str,
    events: Sequence[DomainEvent],
    expected_version: int,
    idempotency_key: str | None = None,
    *,
    occurred_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
    held: dict[type[Model], dict[Any, Model | None]] | None = None,
) -> list[RecordedEvent]:
    """Append `events` to `stream_id`, whose last version must be `expected_version` (0: new).

    Runs the inline projections in the same transaction and, once it commits, tells the
    subscribers. Raises ConcurrencyError on a version clash and DuplicateAppend when
    `idempotency_key` was used before; either way nothing is appended.
    """
    return append_batch(
        [Append(stream_id, events, expected_version, idempotency_key)],
        occurred_at=occurred_at,
        metadata=metadata,
        held=held,
    )


_local = threading.local()


@contextlib.contextmanager
def retried_as_a_whole() -> Iterator[None]:
    """Appends inside run in a transaction that is retried from the top on any failure (a
    command's), so they need no savepoint of their own, and an idempotency key needs no
    look-up before the append: a taken one is refused by the unique index, which fails the
    transaction, and the retry finds what took it (a command's own check, or a resend's
    message already in the transcript)."""
    previous = getattr(_local, "retried_whole", False)
    _local.retried_whole = True
    try:
        yield
    finally:
        _local.retried_whole = previous


def retried_whole() -> bool:
    """Inside `retried_as_a_whole`: a refused append fails the transaction, and the command
    comes back to its decision."""
    return getattr(_local, "retried_whole", False)


def refused_before(idempotency_key: str | None) -> bool:
    """Whether the last append this thread saw refused was refused for this key: inside a
    command, whose retry comes back to the decision that made the append, a look-up it
    skipped the first time (`retried_as_a_whole`) is then worth making."""
    return idempotency_key is not None and getattr(_local, "refused", None) == idempotency_key


def append_batch(
    appends: Sequence[Append],
    *,
    occurred_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
    prefetch: dict[type, Sequence[Any]] | None = None,
    held: dict[type[Model], dict[Any, Model | None]] | None = None,
) -> list[RecordedEvent]:
    """`append` to several streams in one statement, all or nothing (a router's round of
    offers, say). `prefetch` names projection rows the events will touch, by model and
    primary key, so the inline projections read them in one query per model; `held` gives
    rows the caller has read in this transaction, by model and key (None: there is none),
    which they take as they are."""
    appends = [a for a in appends if a.events]
    if not appends:
        return []
    for a in appends:
        if a.expected_version < 0:
            raise ValueError(f"expected_version must be 0 or more, not {a.expected_version}")
    retried_whole = getattr(_local, "retried_whole", False)
    for a in appends:
        # Outside a command the caller may catch the refusal and carry on in the same
        # transaction, which a refused INSERT would have failed on PostgreSQL: look first.
        if a.idempotency_key is not None and not retried_whole and key_exists(a.idempotency_key):
            raise DuplicateAppend(a.idempotency_key)
    when = occurred_at or clock.now()
    meta = {**context.current().as_metadata(), **(metadata or {})}
    meta_json = _dumps(meta)
    stored_when = connection.ops.adapt_datetimefield_value(when)
    rows, datas = [], []
    # Inside a command, rows the sealers make (a new customer's keys) are written with the
    # projections' rows; elsewhere, by the sealers before the append's savepoint.
    with sealing.rows_made_with_the_append(taken=retried_whole) as made:
        for a in appends:
            for offset, event in enumerate(a.events, start=1):
                data = sealing.redact(event.type, event.to_data())
                datas.append((event.type, data))
                rows.append(
                    (
                        a.stream_id,
                        a.expected_version + offset,
                        event.type,
                        _dumps(sealing.seal(a.stream_id, event.type, data)),
                        meta_json,
                        stored_when,
                        a.idempotency_key if offset == 1 else None,
                        event.schema_version,
                    )
                )
    # A savepoint lets a caller catch a failed append and carry on; inside a command, which
    # retries its whole transaction instead, it would only cost two round trips.
    with transaction.atomic(savepoint=not retried_whole):
        inserted = _insert(rows, appends)
        recorded = [
            RecordedEvent(
                position=position,
                txid=txid,
                stream_id=stream,
                version=version,
                type=type_,
                data=data,
                metadata=meta,
                occurred_at=when,
                recorded_at=recorded_at,
                idempotency_key=key,
                schema_version=schema,
            )
            for (type_, data), (stream, version, *_, key, schema), (
                position,
                txid,
                recorded_at,
            ) in zip(datas, rows, inserted, strict=True)
        ]
        # Imported here: projections import this module.
        from contactcenter.events import projections

        rows = projections.apply_inline(recorded, prefetch=prefetch, held=held, made=made)
        for hook in _in_transaction:
            hook(recorded)
        _notify_on_commit(recorded, rows)
    return recorded


def _insert(rows: list[tuple], appends: Sequence[Append]) -> list[tuple[int, int, datetime]]:
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {TABLE} (stream_id, version, type, data, metadata, occurred_at, "
        f"idempotency_key, schema_version) VALUES {values} "
        "RETURNING stream_id, version, position, txid, recorded_at"
    )
    params = [value for row in rows for value in row]
    if channels := _channels_told(rows):
        # The notices ride on the INSERT: a CTE with a side effect is evaluated once, and
        # this one is asked for by every row returned.
        sql = (
            "WITH told AS MATERIALIZED (SELECT pg_notify(channel, '') FROM "
            f"unnest(%s::text[]) AS channel) {sql}, (SELECT count(*) FROM told)"
        )
        params = [channels, *params]
    with transaction.atomic(savepoint=False), _cursor() as cursor:
        try:
            cursor.execute(sql, params)
        except (IntegrityError, psycopg.IntegrityError) as error:
            # Caught inside the block: SQLite's transaction is still usable after a refused
            # statement, so the refusal can look up the head there.
            refusal = _refusal(error, appends)
            if refusal is error:
                raise
            if isinstance(refusal, DuplicateAppend):
                _local.refused = refusal.key
            raise refusal from error
        returned = cursor.fetchall()
    by_key = {(row[0], row[1]): row[2:5] for row in returned}
    return [_row_result(by_key[(row[0], row[1])]) for row in rows]


# The stamping trigger's words on PostgreSQL (migration 0003), and the unique index's.
_HEAD_REFUSED = re.compile(r"event_log: stream (?P<stream>.+) is at version (?P<head>\d+), not ")
_KEY_TAKEN = re.compile(r"\(stream_id, version\)=\((?P<stream>.+), (?P<version>\d+)\)")


def _refusal(
    error: IntegrityError | psycopg.IntegrityError, appends: Sequence[Append]
) -> Exception:
    """What a refused INSERT means: a taken idempotency key, or a stream that is not where
    its writer expected it — named alone, with the version it is at where that is known."""
    text = str(error)
    raw = error if isinstance(error, psycopg.Error) else error.__cause__
    detail = getattr(getattr(raw, "diag", None), "message_detail", None) or ""
    keys = [a.idempotency_key for a in appends if a.idempotency_key]
    if keys and "idempotency" in text:
        return DuplicateAppend(keys[0] if len(keys) == 1 else ", ".join(keys))
    by_stream = {a.stream_id: a for a in appends}
    if found := _HEAD_REFUSED.search(text):
        stream = found["stream"]
        return ConcurrencyError(stream, by_stream[stream].expected_version, int(found["head"]))
    if found := _KEY_TAKEN.search(detail):
        # A writer that has not committed yet took the version: where the stream ends up is
        # not ours to see in this (now failed) transaction.
        stream = found["stream"]
        return ConcurrencyError(stream, by_stream[stream].expected_version)
    if "event_log" in text or "stream" in text or "version" in text:
        if connection.vendor == "sqlite":
            for a in appends:
                head = stream_version(a.stream_id)
                if head != a.expected_version:
                    return ConcurrencyError(a.stream_id, a.expected_version, head)
        first = appends[0]
        return ConcurrencyError(first.stream_id, first.expected_version)
    return error


def _channels_told(rows: list[tuple]) -> list[str]:
    """The channels to notify at the commit of an append of these rows (notify_at_commit)."""
    if not _notices or connection.vendor != "postgresql":
        return []
    types = frozenset(row[2] for row in rows)
    return sorted(channel for channel, wanted in _notices.items() if wanted(types))


def _row_result(row: tuple) -> tuple[int, int, datetime]:
    position, txid, recorded_at = row
    if isinstance(recorded_at, str):  # SQLite returns text
        recorded_at = parse_datetime(recorded_at)
        if recorded_at is not None and timezone.is_naive(recorded_at):
            recorded_at = timezone.make_aware(recorded_at, timezone.UTC)
    return position, txid, recorded_at


@contextlib.contextmanager
def _cursor() -> Iterator[Any]:
    """A cursor for the store's hot statements. On PostgreSQL it binds parameters on the
    server (Django's own cursors bind on the client), so psycopg prepares the statements it
    sees repeatedly and PostgreSQL stops re-planning every append and read."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, first_statement.Cursor(connection.connection) as cursor:
        yield cursor


def _notify_on_commit(recorded: list[RecordedEvent], rows: "projections.Rows") -> None:
    """`rows`: the inline projections' unit of work, for `as_committed`."""
    if not _after_commit:
        return

    def notify() -> None:
        _local.held = rows  # for `as_committed`, while the subscribers run
        try:
            for callback in list(_after_commit):
                callback(recorded)
        finally:
            _local.held = None

    transaction.on_commit(notify, robust=True)


def key_exists(idempotency_key: str) -> bool:
    with _cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} WHERE idempotency_key = %s", [idempotency_key])
        return cursor.fetchone() is not None


def find_key(idempotency_key: str) -> RecordedEvent | None:
    """The first event appended under `idempotency_key`, if any was."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM {TABLE} WHERE idempotency_key = %s", [idempotency_key]
        )
        row = cursor.fetchone()
    return _from_rows([row])[0] if row else None


def stream_version(stream_id: str) -> int:
    with _cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX(version), 0) FROM {TABLE} WHERE stream_id = %s", [stream_id]
        )
        return cursor.fetchone()[0]


def read_stream(stream_id: str, after_version: int = 0) -> list[RecordedEvent]:
    with _cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM {TABLE} WHERE stream_id = %s AND version > %s ORDER BY version",
            [stream_id, after_version],
        )
        return _from_rows(cursor.fetchall())


def fold_stream(
    stream_id: str, types: Collection[str], *, opened: bool = False
) -> tuple[int, list[RecordedEvent]]:
    """What an aggregate folds: the stream's head version, and its events of `types` with
    their data as stored, or `opened` as every reader of the log sees it. The other events
    are not decoded, and unless asked no sealed field is opened: an aggregate's rules decide
    from what happened, not from what a customer said, and opening every message of a
    conversation (its customer's data key read, each personal field decrypted) was most of
    loading one, at every message (issue 18). The other events are not even fetched, but for
    the last, which tells the head: a conversation's messages change no state, and fetching
    them all made every message dearer than the one before."""
    wanted = sorted(types)
    with _cursor() as cursor:
        cursor.execute(_folding_sql(len(wanted)), [stream_id, *wanted, stream_id])
        rows = cursor.fetchall()
    head = rows[-1][3] if rows else 0  # (position, txid, stream_id, version, type, …)
    events = [_from_row(row) for row in rows if row[4] in types]
    return head, _opened(events) if opened else events


@functools.cache
def _folding_sql(types: int) -> str:
    return (
        f"SELECT {COLUMNS} FROM {TABLE} WHERE stream_id = %s AND (type IN ({_marks(types)}) "
        f"OR version = (SELECT MAX(version) FROM {TABLE} WHERE stream_id = %s)) ORDER BY version"
    )


def read_streams(
    stream_ids: Sequence[str],
    types: Collection[str] | None = None,
    first_of: Collection[str] = (),
    *,
    opened: bool = True,
) -> list[RecordedEvent]:
    """Every event of several streams, in log order (a customer's timeline, say); or only
    those of `types` and each stream's first of `first_of`, the rest not even fetched.
    Unless `opened`, their sealed fields stay sealed (`open_sealed` opens them later)."""
    if not stream_ids:
        return []
    streams = _marks(len(stream_ids))
    where, params = f"stream_id IN ({streams})", list(stream_ids)
    if types is not None:
        chosen = f"type IN ({_marks(len(types))})"
        params += sorted(types)
        if first_of:
            chosen += (
                f" OR (stream_id, version) IN (SELECT stream_id, MIN(version) FROM {TABLE} "
                f"WHERE stream_id IN ({streams}) AND type IN ({_marks(len(first_of))}) "
                "GROUP BY stream_id)"
            )
            params += [*stream_ids, *sorted(first_of)]
        where += f" AND ({chosen})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM {TABLE} WHERE {where} ORDER BY txid, position", params
        )
        rows = cursor.fetchall()
    return _from_rows(rows, opened=opened)


def open_sealed(events: list[RecordedEvent]) -> list[RecordedEvent]:
    """Events read unopened, with their sealed fields open as every reader of the log sees
    them (the customers' data keys read once for all)."""
    return _opened(events)


def _marks(count: int) -> str:
    """`count` parameter marks for an IN list; NULL for none (an empty IN is no SQL)."""
    return ", ".join(["%s"] * count) or "NULL"


def read_all(
    after_position: int = 0,
    limit: int = 1000,
    *,
    types: Sequence[str] | None = None,
    stream_ids: Sequence[str] | None = None,
    horizon: bool = True,
    opened: bool = True,
) -> list[RecordedEvent]:
    """Up to `limit` events after `after_position` in log order (0: from the start).

    Pass the position of the last event you handled as `after_position`; the order is
    gap-free: no event that commits later will ever sort before one already returned.
    `horizon=False` also returns committed events above the oldest running transaction,
    for a reader that holds locks making that safe (the rebuild command). Unless `opened`,
    their sealed fields stay sealed, for a reader that reads none (`open_sealed` opens them).
    """
    filters, params = [], []
    if types:
        filters.append(f"type IN ({_marks(len(types))})")
        params.extend(types)
    if stream_ids:
        filters.append(f"stream_id IN ({_marks(len(stream_ids))})")
        params.extend(stream_ids)
    extra = "".join(f" AND {f}" for f in filters)
    with _cursor() as cursor:
        if connection.vendor == "postgresql":
            after_txid = _txid_of(cursor, after_position)
            below = f" AND txid < {HORIZON}" if horizon else ""
            cursor.execute(
                f"SELECT {COLUMNS} FROM {TABLE} WHERE (txid, position) > (%s, %s){below}{extra} "
                "ORDER BY txid, position LIMIT %s",
                [after_txid, after_position, *params, limit],
            )
        else:
            cursor.execute(
                f"SELECT {COLUMNS} FROM {TABLE} WHERE position > %s{extra} "
                "ORDER BY position LIMIT %s",
                [after_position, *params, limit],
            )
        rows = cursor.fetchall()
    return _from_rows(rows, opened=opened)


def iter_all(
    after_position: int = 0, batch: int = 5000, *, horizon: bool = True, opened: bool = True
) -> Iterator[list[RecordedEvent]]:
    """read_all in batches until the end of the log as it stands."""
    while True:
        events = read_all(after_position, batch, horizon=horizon, opened=opened)
        if not events:
            return
        yield events
        after_position = events[-1].position


def _txid_of(cursor, position: int) -> int:
    if position == 0:
        return 0
    cursor.execute(f"SELECT txid FROM {TABLE} WHERE position = %s", [position])
    row = cursor.fetchone()
    if row is None:
        raise UnknownPosition(position)
    return row[0]


def last_position() -> int:
    """The position of the last event a follower can safely read now (0 if none)."""
    events_in_order = "ORDER BY txid DESC, position DESC LIMIT 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT position FROM {TABLE} WHERE txid < {HORIZON} {events_in_order}")
        else:
            cursor.execute(f"SELECT position FROM {TABLE} {events_in_order}")
        row = cursor.fetchone()
    return row[0] if row else 0


def count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


_encoder = DjangoJSONEncoder()


def _dumps(value: Any) -> str:
    # orjson: several times faster than json both ways, which a rebuild of millions feels.
    return orjson.dumps(value, default=_encoder.default).decode()


def _from_rows(rows: Sequence[tuple], *, opened: bool = True) -> list[RecordedEvent]:
    """The events of these rows; unless `opened`, with their sealed fields as stored."""
    events = [_from_row(row) for row in rows]
    return _opened(events) if opened else events


def _opened(events: list[RecordedEvent]) -> list[RecordedEvent]:
    if not events or not sealing._openers:
        return events
    datas = sealing.open_all([(e.type, e.data) for e in events])
    return [
        e if data is e.data else dataclasses.replace(e, data=data)
        for e, data in zip(events, datas, strict=True)
    ]


def _from_row(row: tuple) -> RecordedEvent:
    position, txid, stream_id, version, type_, data, metadata, occurred, recorded, key, schema = row
    if isinstance(data, str):
        data = orjson.loads(data)
    if schema != (target := current_version(type_)):
        data, schema = upcast(type_, data, schema), target
    if isinstance(metadata, str):
        metadata = orjson.loads(metadata)
    return RecordedEvent(
        position=position,
        txid=txid,
        stream_id=stream_id,
        version=version,
        type=type_,
        data=data,
        metadata=metadata,
        occurred_at=_aware(occurred),
        recorded_at=_aware(recorded),
        idempotency_key=key,
        schema_version=schema,
    )


def _aware(value: datetime | str | None) -> datetime | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.UTC)
    return value
