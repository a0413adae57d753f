"""Projections: read models derived from the log, and the machinery to keep and rebuild them.

A projector is a class with `on_<EventType>(self, event, recorded, rows)` methods. It reads and
writes its rows only through `rows` (a small unit of work keyed by primary key), which lets the
same code run three ways:
- inline, in the appending transaction (rows are locked, fetched and saved one by one);
- catch-up, following `read_all` from a stored checkpoint in its own transactions;
- rebuild, from position 0 into emptied tables, with every row kept in memory and written in
  bulk, which is what makes a rebuild fast.
Projection rows carry natural keys taken from the events, never auto-increment ids, so a rebuild
arrives at exactly the rows the live system wrote.
"""

import datetime
import decimal
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, ClassVar

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import JSONField, Model
from django.utils.module_loading import autodiscover_modules
from psycopg.types.json import Jsonb

from contactcenter.events import row_statements, store
from contactcenter.events.models import ProjectionCheckpoint
from contactcenter.events.store import RecordedEvent

# Jitter from a generator of its own: a background thread drawing from the `random` module
# changes what a seeded run (a test, a simulation) draws meanwhile.
_jitter = random.Random()


class Rows:
    """The rows a projector reads and writes while applying events, keyed by primary key.

    `authoritative`: the cache holds every row that exists (rebuild into empty tables), so a
    miss means "no such row" without asking the database.
    """

    def __init__(self, *, lock: bool = False, authoritative: bool = False, bulk: bool = False):
        self.lock = lock
        self.authoritative = authoritative
        # Write new and changed rows with COPY on PostgreSQL (a rebuild, a catch-up batch):
        # worth it for thousands of rows, not for the handful an inline append touches.
        self.bulk = bulk or authoritative
        self._cache: dict[type[Model], dict[Any, Model | None]] = defaultdict(dict)
        self._new: dict[type[Model], dict[Any, Model]] = defaultdict(dict)
        self._dirty: dict[type[Model], dict[Any, Model]] = defaultdict(dict)
        self._deleted: dict[type[Model], set[Any]] = defaultdict(set)
        # Deleted unread (`discard`): whether they were there is not known.
        self._discarded: dict[type[Model], set[Any]] = defaultdict(set)
        self._forgotten: set[type[Model]] = set()
        # model -> pk -> (defaults, summed amounts, roll-up target or None)
        self._increments: dict[type[Model], dict[Any, tuple]] = defaultdict(dict)

    def get[M: Model](self, model: type[M], pk: Any) -> M | None:
        cache = self._cache[model]
        if pk in cache:
            return cache[pk]
        if self.authoritative and model not in self._forgotten:
            return None
        obj = row_statements.get(model, pk, lock=self.lock)
        cache[pk] = obj
        return obj

    def hold(self, model: type[Model], pk: Any, obj: Model | None) -> None:
        """A row this transaction has read already (None: it found none), taken as it is
        rather than read again. Read unlocked, it is as safe as read locked in a REPEATABLE
        READ transaction (a command's): a row another writer changed since is refused when
        written, and the command retries."""
        self._cache[model][pk] = obj

    def prefetch(self, model: type[Model], pks: Iterable[Any]) -> None:
        """Read (and lock) many rows in a query or a few; the ones missing are known to be
        missing. A no-op when the rows in memory are all there is (a rebuild)."""
        cache = self._cache[model]
        wanted = {pk for pk in pks if pk not in cache}
        if not wanted or (self.authoritative and model not in self._forgotten):
            return
        wanted_list = list(wanted)
        step = row_statements.MAX_PARAMETERS  # what SQLite takes in one statement
        for start in range(0, len(wanted_list), step):
            chunk = wanted_list[start : start + step]
            found = {obj.pk: obj for obj in row_statements.by_keys(model, chunk, lock=self.lock)}
            for pk in chunk:
                cache[pk] = found.get(pk)

    def increment(
        self,
        model: type[Model],
        pk: Any,
        defaults: dict[str, Any],
        rollup: tuple[type[Model], Any, dict[str, Any]] | None = None,
        **amounts: int,
    ) -> None:
        """Add `amounts` to counter fields of row `pk`, created from `defaults` if missing;
        and, once merged, to the `rollup` row (model, pk, defaults) too: a day's total of
        its intervals, say.

        Counters are summed in memory and merged into their rows at the flush, so a batch
        that touches the same counters many times reads and writes each row once. Write such
        rows only through `increment`."""
        pending = self._increments[model]
        entry = pending.get(pk)
        if entry is None:
            pending[pk] = (defaults, amounts, rollup)  # a fresh dict: the call's own keywords
            return
        totals = entry[1]
        for name, amount in amounts.items():
            totals[name] = totals.get(name, 0) + amount

    def pending_increments(self, model: type[Model]) -> dict[Any, dict[str, int]]:
        """The counter amounts of `model` summed since the last flush, by primary key.
        Read-only."""
        return {pk: entry[1] for pk, entry in self._increments[model].items()}

    def _merge_increments(self, chosen: set | None) -> None:
        """Fold pending counter amounts into their rows: in the database on PostgreSQL when
        writing in bulk (the rows never come into Python), else into the rows in memory."""
        for model, pending in list(self._increments.items()):
            if chosen is None or model in chosen:
                for _, amounts, rollup in pending.values():
                    if rollup is not None:
                        self.increment(*rollup, **amounts)
        for model, pending in self._increments.items():
            if not pending or (chosen is not None and model not in chosen):
                continue
            if self.bulk and not self.authoritative and connection.vendor == "postgresql":
                _upsert_increments(model, pending)
                pending.clear()
                continue
            self.prefetch(model, pending)
            cache = self._cache[model]
            for pk, (defaults, amounts, _) in pending.items():
                obj = cache.get(pk)
                if obj is None:
                    obj = self.add(model(pk=pk, **defaults))
                else:
                    self.changed(obj)
                for name, amount in amounts.items():
                    setattr(obj, name, getattr(obj, name) + amount)
            pending.clear()

    def add(self, obj: Model) -> Model:
        model, pk = type(obj), obj.pk
        self._cache[model][pk] = obj
        if pk in self._discarded[model]:  # deleted unread, then added: the DELETE goes first
            self._new[model][pk] = obj
        elif pk in self._deleted[model]:  # deleted and added back: it replaces the stored row
            self._deleted[model].discard(pk)
            self._dirty[model][pk] = obj
        else:
            self._new[model][pk] = obj
        return obj

    def changed(self, obj: Model) -> None:
        model, pk = type(obj), obj.pk
        if pk not in self._new[model]:
            self._dirty[model][pk] = obj

    def delete(self, obj: Model) -> None:
        model, pk = type(obj), obj.pk
        self._cache[model][pk] = None
        if self._new[model].pop(pk, None) is None:
            self._deleted[model].add(pk)
        self._dirty[model].pop(pk, None)

    def holding(self, model: type[Model], pk: Any) -> Model | None:
        """The row of `model` with this key, if this unit of work holds it (no read)."""
        return self._cache.get(model, {}).get(pk)

    def discard(self, model: type[Model], pk: Any) -> None:
        """Delete the row with this key, if there is one, without reading it: a DELETE at the
        flush, where reading it (locked) first cost a statement more — a timer at every
        accept, five at every close (issue 18)."""
        cache = self._cache[model]
        if pk in cache or (self.authoritative and model not in self._forgotten):
            obj = cache.get(pk)
            if obj is not None:
                self.delete(obj)
            return
        cache[pk] = None
        self._deleted[model].add(pk)
        self._discarded[model].add(pk)

    def cached(self, model: type[Model]) -> Iterable[Model]:
        """Rows of `model` this unit of work holds (all of them, when authoritative)."""
        return [obj for obj in self._cache[model].values() if obj is not None]

    def flush(self, only: Iterable[type[Model]] | None = None) -> None:
        """Write what changed (of the `only` models, if given) to the database."""
        chosen = set(only) if only is not None else None

        def pending(changes: dict) -> list:
            return [(m, v) for m, v in changes.items() if v and (chosen is None or m in chosen)]

        self._merge_increments(chosen)
        gone = []
        for model, pks in pending(self._deleted):
            if self.bulk or pks & self._new[model].keys() or not row_statements.folds_delete(model):
                # A key deleted unread and added back: the DELETE goes first, on its own.
                row_statements.delete(model, sorted(pks))
            else:
                gone.append((model, sorted(pks)))
            pks.clear()
            self._discarded[model].clear()
        if not self.bulk and self._write_plain(pending(self._new), pending(self._dirty), gone):
            return
        for model, pks in gone:
            row_statements.delete(model, pks)
        for model, objs in pending(self._new):
            _insert(model, list(objs.values()), bulk=self.bulk)
            objs.clear()
        for model, objs in pending(self._dirty):
            plain = row_statements.Plain.of(model)
            if self.bulk and len(objs) > 1 and connection.vendor == "postgresql":
                if self.authoritative:
                    _bulk_replace(model, list(objs.values()))
                else:
                    _update_in_one(model, list(objs.values()))
            elif plain is not None:
                # Live rows may be awaited by other transactions' row locks: update them in
                # place rather than replace them.
                row_statements.update(plain, list(objs.values()))
            else:
                for obj in objs.values():
                    obj.save(force_update=True)
            objs.clear()

    @staticmethod
    def _write_plain(new: list, dirty: list, gone: list) -> bool:
        """The new and changed rows and the keys gone in one go (row_statements.write) where
        every model of them is plain; False, writing nothing, where one is not."""
        plains = {model: row_statements.Plain.of(model) for model, _ in new + dirty + gone}
        if None in plains.values():
            return False
        row_statements.write(
            [(plains[model], list(objs.values())) for model, objs in new],
            [(plains[model], list(objs.values())) for model, objs in dirty],
            [(plains[model], pks) for model, pks in gone],
        )
        for _, objs in new + dirty:
            objs.clear()
        return True

    def forget(self, model: type[Model], keep_recent: int = 0) -> None:
        """Drop `model`'s flushed rows from memory but the `keep_recent` newest; reads of the
        rest go to the database."""
        cache = self._cache.get(model, {})
        for pk in list(cache)[: max(0, len(cache) - keep_recent)]:
            del cache[pk]
        self._forgotten.add(model)

    def update_where(self, model: type[Model], field: str, old: Any, new: Any) -> None:
        """Set `field` from `old` to `new` on every row of `model` (a customer merge, say)."""
        for obj in self.cached(model):
            if getattr(obj, field) == old:
                setattr(obj, field, new)
                self.changed(obj)
        if not self.authoritative:
            model._default_manager.filter(**{field: old}).update(**{field: new})


def _insert(model: type[Model], objs: list[Model], *, bulk: bool) -> None:
    if bulk and connection.vendor == "postgresql":
        _copy(model, objs)
    else:
        row_statements.create(model, objs)


def _copy(model: type[Model], objs: list[Model]) -> None:
    """COPY rows in: several times faster than INSERT for a rebuild's thousands of rows."""
    fields = model._meta.concrete_fields
    columns = _column_list(model)
    table = connection.ops.quote_name(model._meta.db_table)
    as_json = [isinstance(f, JSONField) for f in fields]
    names = [f.attname for f in fields]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            values = obj.__dict__
            copy.write_row(
                [
                    # None is SQL NULL, as the ORM writes it; Jsonb(None) would be JSON null.
                    Jsonb(values[n]) if j and values[n] is not None else values[n]
                    for n, j in zip(names, as_json, strict=True)
                ]
            )


def _upsert_increments(model: type[Model], pending: dict[Any, tuple]) -> None:
    """Add the summed amounts to the stored rows, creating the missing ones, in one statement:
    INSERT … SELECT FROM jsonb_populate_recordset(…) ON CONFLICT DO UPDATE SET n = n +
    EXCLUDED.n. The rows come as one JSON parameter, the fields they leave out from a record of
    the model's defaults. (A temporary table filled by COPY took five statements and a
    catalog entry made and dropped: every second, for each logged-in agent's facts, where a
    catch-up round counts their time; issue 18.)"""
    counters = sorted({name for _, amounts, _ in pending.values() for name in amounts})
    quote = connection.ops.quote_name
    meta = model._meta
    table, columns = quote(meta.db_table), _column_list(model)
    defaults = {f.column: f.get_default() for f in meta.concrete_fields}
    column_of = {f.attname: f.column for f in meta.concrete_fields}
    found = [
        {
            **{column_of[name]: value for name, value in (*given.items(), *amounts.items())},
            meta.pk.column: key,
        }
        for key, (given, amounts, _) in pending.items()
    ]
    additions = ", ".join(
        f"{quote(column_of[name])} = {table}.{quote(column_of[name])} "
        f"+ EXCLUDED.{quote(column_of[name])}"
        for name in counters
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset("
            f"jsonb_populate_record(NULL::{table}, %s::jsonb), %s::jsonb) "
            f"ON CONFLICT ({quote(meta.pk.column)}) DO UPDATE SET {additions}",
            [_as_json(defaults), _as_json(found)],
        )


def _update_in_one(model: type[Model], objs: list[Model]) -> None:
    """UPDATE the stored rows to these, in one statement (UPDATE … FROM
    jsonb_populate_recordset): a catch-up round's changed rows, a clock for each logged-in
    agent, say, where a statement a row cost a round trip each and deleting them to copy them
    back two statements and the ORM's deletion (issue 18). A row that is not there is an
    error, as `row_statements.update` makes it."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    fields = meta.concrete_fields
    pk = quote(meta.pk.column)
    assignments = ", ".join(
        f"{quote(f.column)} = given.{quote(f.column)}" for f in fields if not f.primary_key
    )
    rows = [{f.column: obj.__dict__[f.attname] for f in fields} for obj in objs]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} "
            f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) AS given "
            f"WHERE {table}.{pk} = given.{pk}",
            [_as_json(rows)],
        )
        if cursor.rowcount != len(objs):
            raise DatabaseError(row_statements.NOT_UPDATED)


def _column_list(model: type[Model]) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)


def _as_json(value: Any) -> str:
    """Rows as jsonb_populate_record reads them: a time, a date or a UUID as its text, which
    PostgreSQL's input for the column's type reads back; a JSON field's value as it is."""
    return json.dumps(value, default=_json_text, separators=(",", ":"))


def _json_text(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()  # a datetime is a date
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    raise TypeError(f"a projection row's value of type {type(value).__name__} has no JSON form")


def _bulk_replace(model: type[Model], objs: list[Model]) -> None:
    # In a rebuild, delete and re-insert beats bulk_update's CASE-per-column statements by a
    # wide margin, and is equivalent: projection rows have no foreign keys pointing at them.
    model._default_manager.filter(pk__in=[obj.pk for obj in objs]).delete()
    _insert(model, objs, bulk=True)


class Projector:
    """Base class. Subclasses set `name`, `models` and, for catch-up ones, `catch_up = True`."""

    name: ClassVar[str]
    models: ClassVar[list[type[Model]]] = []
    catch_up: ClassVar[bool] = False
    # Models whose rows are rarely read back: a rebuild keeps them out of memory once written.
    write_once: ClassVar[list[type[Model]]] = []
    # Events a catch-up round reads and applies in one transaction.
    catch_up_batch: ClassVar[int] = 1000
    # Stream-id prefixes whose every event this projector sees, whatever app declared the type
    # (other apps' events on an interaction's stream still move its version): `on_any_event`.
    streams: ClassVar[tuple[str, ...]] = ()
    # Rows an event of a type reads, by model and the field of its data that holds their key:
    # a caller that reads them anyway before appending it passes them `held` (`rows_read`).
    reads: ClassVar[dict[str, tuple[tuple[type[Model], str], ...]]] = {}
    # Whether its handlers read events' personal fields (the privacy app seals them). Where a
    # projector that reads none reads the log (its catch-up rounds, a rebuild), it is handed
    # them sealed, as stored, but for the events `opens` names: it looks up no customer's key
    # and decrypts nothing it does not use (issue 18), and holds no customer's words.
    personal: ClassVar[bool] = True

    def handled_types(self) -> set[str]:
        return {name[3:] for name in dir(self) if name.startswith("on_") and name[3].isupper()}

    def handles(self, event: RecordedEvent) -> bool:
        if event.type in self._handled:
            return True
        return bool(self.streams) and event.stream_id.startswith(self.streams)

    @cached_property
    def _handled(self) -> frozenset[str]:
        return frozenset(self.handled_types())

    def apply(self, event: RecordedEvent, rows: Rows) -> None:
        handler = getattr(self, f"on_{event.type}", None)
        if handler is not None:
            handler(event.payload, event, rows)
        elif self.streams and event.stream_id.startswith(self.streams):
            self.on_any_event(event, rows)

    def on_any_event(self, event: RecordedEvent, rows: Rows) -> None:
        """An event of a type this projector has no handler for, on one of its `streams`."""

    def opens(self, event: RecordedEvent) -> bool:
        """Of a projector that is not `personal`: whether it reads this event's personal
        fields all the same (opened with the batch's others that it names)."""
        return False

    def prepare(self, events: list[RecordedEvent], rows: Rows) -> None:
        """Before a catch-up or rebuild batch: fetch the rows it will touch (`rows.prefetch`)."""

    def finish(self, rows: Rows) -> None:
        """After a catch-up or rebuild batch, before its rows are written."""

    def reset(self) -> None:
        """Empty the projection's tables (children first)."""
        for model in reversed(self.models):
            model._default_manager.all().delete()


RECENT_WRITE_ONCE_ROWS = 20_000

_registry: dict[str, Projector] = {}
_inline_by_type: dict[str, list[Projector]] = {}
_inline_by_stream: list[Projector] = []  # inline projectors with `streams`
_discovered = False


def register[P: type[Projector]](cls: P) -> P:
    """Class decorator: make a projector known (apps do this in their projections.py)."""
    instance = cls()
    _registry[cls.name] = instance
    if not cls.catch_up:
        for type_name in instance.handled_types():
            _inline_by_type.setdefault(type_name, []).append(instance)
        if cls.streams:
            _inline_by_stream.append(instance)
    return cls


def discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("projections")
        _discovered = True


def rows_read(event_type: str, key_field: str) -> tuple[type[Model], ...]:
    """The models whose rows the inline projectors read for an event of `event_type`, keyed
    by its data's `key_field` (Projector.reads): for a caller to read them with what it
    reads anyway and pass them `held` (ingest reads a conversation's with its thread key)."""
    discover()
    return tuple(
        model
        for projector in _inline_by_type.get(event_type, ())
        for model, field in projector.reads.get(event_type, ())
        if field == key_field
    )


def all_projectors() -> dict[str, Projector]:
    discover()
    return dict(_registry)


def get(name: str) -> Projector:
    discover()
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise LookupError(f"no projection named {name!r} (known: {known})") from None


def apply_inline(
    events: list[RecordedEvent],
    prefetch: dict[type[Model], Sequence[Any]] | None = None,
    held: dict[type[Model], dict[Any, Model | None]] | None = None,
    made: Sequence[Model] = (),
) -> Rows:
    """Run the inline projectors for `events`, in the caller's (appending) transaction; the
    unit of work holding the rows they read and wrote, as they left them. `held`: rows the
    transaction has read already, by model and key (None: there is none), which the
    projectors take as they are. `made`: new rows the append brings (a new customer's data
    keys, sealing.made_with_the_append), written with the projectors' own."""
    discover()
    rows = Rows(lock=True)
    for model, objs in (held or {}).items():
        for pk, obj in objs.items():
            rows.hold(model, pk, obj)
    for model, pks in (prefetch or {}).items():
        rows.prefetch(model, pks)
    for obj in made:
        rows.add(obj)
    touched = bool(made)
    for event in events:
        for projector in _inline_by_type.get(event.type, ()):
            projector.apply(event, rows)
            touched = True
        for projector in _inline_by_stream:
            if event.type not in projector._handled and event.stream_id.startswith(
                projector.streams
            ):
                projector.apply(event, rows)
                touched = True
    if touched:
        rows.flush()
    return rows


def catch_up(projector: Projector, batch: int | None = None) -> int:
    """Apply the next batch of events after the checkpoint; returns how many were read.

    Only the types the projector handles are read (every type, for one that follows whole
    `streams`), its rows are fetched per batch (`Projector.prepare`) and written in bulk,
    like a rebuild's."""

    def apply(events: list[RecordedEvent]) -> None:
        events = _opened_for(projector, events)
        rows = Rows(bulk=True)
        projector.prepare(events, rows)
        for event in events:
            projector.apply(event, rows)
        projector.finish(rows)
        rows.flush()

    from contactcenter.events.follower import follow_named  # it imports this module's models

    return follow_named(
        projector.name,
        apply,
        types=None if projector.streams else sorted(projector.handled_types()),
        batch=batch or projector.catch_up_batch,
        opened=projector.personal,
    )


def _opened_for(projector: Projector, events: list[RecordedEvent]) -> list[RecordedEvent]:
    """`events`, read sealed for a projector that is not `personal`, with those it `opens`
    opened (in one go: the customers' keys are read once for all)."""
    if projector.personal:
        return events  # read opened
    wanted = [event for event in events if projector.opens(event)]
    if not wanted:
        return events
    opened = {event.position: event for event in store.open_sealed(wanted)}
    return [opened.get(event.position, event) for event in events]


def catch_up_all(batch: int | None = None) -> int:
    """One round of every catch-up projector; returns the number of events handled."""
    return sum(catch_up(p, batch) for p in all_projectors().values() if p.catch_up)


# Rebuilding beside live writers: how long to wait for the projection's table locks before
# letting go and trying again, and for how long to keep trying.
LOCK_WAIT = "500ms"
LOCK_ATTEMPTS_SECONDS = 120.0


def rebuild(
    projector: Projector,
    *,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replay the whole log into `projector`'s emptied tables; returns events replayed.

    Runs in one transaction holding exclusive locks on the projection's tables, so live
    writers wait for it and then carry on from the rebuilt rows. The locks are taken in one
    statement, in the order of `projector.models` (the order its handlers first touch them),
    waiting at most `LOCK_WAIT`: a live writer that already holds one of the tables and asks
    for another would otherwise deadlock with us. If they cannot all be had, the rebuild lets
    go of everything (writers carry on) and tries again shortly.
    """
    deadline = time.monotonic() + LOCK_ATTEMPTS_SECONDS
    attempt = 0
    while True:
        attempt += 1
        try:
            return _rebuild(projector, batch, progress)
        except OperationalError as error:
            if not _lock_refused(error) or time.monotonic() > deadline:
                raise
            time.sleep(_jitter.uniform(0, min(2.0, 0.05 * 2**attempt)))


def _lock_refused(error: OperationalError) -> bool:
    # lock_not_available (our own LOCK_WAIT ran out), deadlock_detected
    return getattr(error.__cause__, "sqlstate", None) in ("55P03", "40P01")


def _rebuild(projector: Projector, batch: int, progress: Callable[[int], None] | None) -> int:
    with transaction.atomic():
        if projector.catch_up:
            # Hold the checkpoint so a catch-up runner waits rather than racing the rebuild
            # (first, as the runner takes it first).
            ProjectionCheckpoint.objects.get_or_create(name=projector.name)
            ProjectionCheckpoint.objects.select_for_update().get(name=projector.name)
        if connection.vendor == "postgresql":
            tables = ", ".join(
                connection.ops.quote_name(m._meta.db_table) for m in projector.models
            )
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
                cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
                cursor.execute("SET LOCAL lock_timeout = 0")
        projector.reset()
        rows = Rows(authoritative=True)
        replayed, position = 0, 0
        # A catch-up projection is a follower: it stops at the horizon like any other. An
        # inline one holds its tables' locks, so every committed event is safe to include.
        for events in store.iter_all(
            0, batch, horizon=projector.catch_up, opened=projector.personal
        ):
            mine = _opened_for(projector, [event for event in events if projector.handles(event)])
            projector.prepare(mine, rows)
            for event in mine:
                projector.apply(event, rows)
            projector.finish(rows)
            # Rows that keep changing stay in memory until the end; write-once rows go out
            # with each batch, keeping the newest in memory for the updates that follow them
            # closely (a delivery receipt after its message).
            rows.flush(only=projector.write_once)
            for model in projector.write_once:
                rows.forget(model, keep_recent=RECENT_WRITE_ONCE_ROWS)
            replayed += len(events)
            position = events[-1].position
            if progress:
                progress(len(events))
        rows.flush()
        if projector.catch_up:
            ProjectionCheckpoint.objects.update_or_create(
                name=projector.name, defaults={"position": position}
            )
    return replayed
