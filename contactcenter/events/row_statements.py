"""Rows read, locked and written by primary key, in SQL made once per model.

An inline projection touches a handful of rows in every command (the interaction's row, its
transcript line, a sentiment row, …), and the real-time path reads others by key (a thread's
interaction, an identity's customer, data keys); through the ORM each of those statements was
built, compiled and wrapped anew: 0.3 to 0.8 ms of CPU apiece on the 2-core machine, more
than PostgreSQL takes to run it, and a web chat makes dozens (issue 18, docs/benchmarks.md).
The statements here are the ones the ORM would send — every concrete column, values prepared
and read back by the fields themselves (`pre_save`, `get_db_prep_save`, the backend's and
the field's converters) — made once per model.

Only plain rows are written this way: a model whose primary key the database makes (an auto
field), a composite key, a column with a database default or a generated column, or a model
someone listens to saves of (`post_save`), goes through the ORM as before (`Plain.of` is
None). Reads are the same for every model with a single-column key: `get` and `by_keys` by
key, `values` for some fields of many rows, and `where`, a few of `filter()`'s lookups,
ordering and a limit, for the reads made at every message, offer or router round.
"""

import contextlib
import copy
import itertools
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import NOT_PROVIDED, Field, IntegerField, Model
from django.db.models import fields as django_fields
from django.db.models.deletion import Collector
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.composite import CompositePrimaryKey
from django.db.models.signals import post_save, pre_save

from contactcenter.events import instances
from contactcenter.postgresql import first_statement

# Parameters per statement: SQLite allows 999 (older builds), PostgreSQL more.
MAX_PARAMETERS = 900


@dataclass(frozen=True)
class Plain:
    """A model's statements by primary key."""

    model: type[Model]
    insert: str  # … VALUES
    row: str  # (%s, …, %s)
    attnames: tuple[str, ...]
    # Each concrete field, with the type of value it sends as it is (`_AS_IS`) and what it
    # wraps such a value in (or None for either).
    fields: tuple[tuple[Field, Any, Any], ...] = ()
    others: tuple[int, ...] = ()  # the positions of the fields but the key

    @staticmethod
    def of(model: type[Model]) -> "Plain | None":
        if post_save.has_listeners(model) or pre_save.has_listeners(model):
            return None  # someone reacts to its saves: keep them
        return _plain(model)


@cache
def _plain(model: type[Model]) -> Plain | None:
    meta = model._meta
    fields = meta.concrete_fields
    if isinstance(meta.pk, (CompositePrimaryKey, AutoFieldMixin)) or any(
        f.db_default is not NOT_PROVIDED or getattr(f, "generated", False) for f in fields
    ):
        return None
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return Plain(
        model=model,
        insert=f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ",
        row="(" + ", ".join(["%s"] * len(fields)) + ")",
        attnames=tuple(f.attname for f in fields),
        fields=tuple((f, *_as_is(f)) for f in fields),
        others=tuple(i for i, f in enumerate(fields) if not f.primary_key),
    )


# Field classes (exactly these) whose `get_db_prep_save` gives PostgreSQL a value of this type
# as it is (an integer wrapped in psycopg's type for the column's size), and None as None: each
# value written went through two or three of Django's methods to come out so, 3 % of the
# servers' CPU at 20 chats/s (issue 18). tests/events/test_row_statements.py checks every
# plain model's fields against Django's own.
AWARE = "an aware datetime"
_AS_IS: dict[type[Field], Any] = {
    django_fields.CharField: str,
    django_fields.TextField: str,
    django_fields.EmailField: str,
    django_fields.SlugField: str,
    django_fields.URLField: str,
    django_fields.IntegerField: int,
    django_fields.BigIntegerField: int,
    django_fields.SmallIntegerField: int,
    django_fields.PositiveIntegerField: int,
    django_fields.PositiveSmallIntegerField: int,
    django_fields.PositiveBigIntegerField: int,
    django_fields.FloatField: float,
    django_fields.BooleanField: bool,
    django_fields.UUIDField: uuid.UUID,
    django_fields.DateTimeField: AWARE,  # where USE_TZ; a naive one Django makes aware, warning
    django_fields.DateField: date,  # a date, not a datetime (a subclass it would cut to its day)
}


def _as_is(field: Field) -> tuple[Any, Any]:
    """The type of value `field` writes as it is on this database and what it wraps an
    integer in, or (None, None)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None, None  # SQLite's adapters turn datetimes and UUIDs into text
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None, None  # its pre_save sets it
    target = field.target_field if field.is_relation else field
    if field.is_relation and target.is_relation:
        return None, None
    kind = _AS_IS.get(type(target))
    if kind is AWARE and not settings.USE_TZ:
        return None, None
    if kind is int:
        wrap = getattr(connection.ops, "integerfield_type_map", {}).get(target.get_internal_type())
        return (int, wrap) if wrap is not None else (None, None)
    return kind, None


def get[M: Model](model: type[M], pk: Any, *, lock: bool = False) -> M | None:
    """The row with this primary key, if there is one (locked FOR UPDATE, if asked)."""
    found = by_keys(model, [pk], lock=lock)
    return found[0] if found else None


def by_keys[M: Model](
    model: type[M], pks: Sequence[Any], *, lock: bool = False, skip_locked: bool = False, **equal
) -> list[M]:
    """The rows with these keys whose fields are `equal` to the values given (None: NULL),
    in key order where they are locked or filtered; locked FOR UPDATE if asked, passing over
    rows others hold if `skip_locked`. A composite key takes the ORM."""
    if not pks:
        return []
    if isinstance(model._meta.pk, CompositePrimaryKey):
        queryset = model._default_manager.filter(pk__in=pks, **equal).order_by("pk")
        return list(queryset.select_for_update(skip_locked=skip_locked) if lock else queryset)
    ordered = ("pk",) if lock or equal else ()
    return where(model, order_by=ordered, lock=lock, skip_locked=skip_locked, pk__in=pks, **equal)


def values(
    model: type[Model],
    pks: Sequence[Any],
    names: tuple[str, ...],
    *,
    lock: bool = False,
    skip_locked: bool = False,
    **equal,
) -> list[tuple]:
    """The fields `names` of the rows `by_keys` would give, as tuples in that order: for a
    read of many rows of which a few fields are wanted, without a model made per row (the
    router's claim of a couple of hundred agents spent most of its time in Model.__init__)."""
    if not pks:
        return []
    return where(
        model,
        names=names,
        order_by=("pk",),
        lock=lock,
        skip_locked=skip_locked,
        pk__in=pks,
        **equal,
    )


# The lookups `where` takes: the ORM's own (`filter(due_at__lte=now)`), a few of them.
OPERATORS = {"exact": "=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "in": "in"}


def where(
    model: type[Model],
    *,
    names: tuple[str, ...] | None = None,
    order_by: tuple[str, ...] = (),
    limit: int | None = None,
    lock: bool = False,
    skip_locked: bool = False,
    **conditions,
) -> list:
    """The rows `model._default_manager.filter(**conditions).order_by(*order_by)[:limit]`
    would give (locked FOR UPDATE if asked, passing over rows others hold if `skip_locked`),
    as models, or as tuples of the fields `names`. Conditions are a field's value (None:
    IS NULL) or one of OPERATORS (`due_at__lte=now`, `pk__in=keys`) on a field of the model
    itself. The statement has one shape for one use, whatever the values: psycopg parses it
    once, and Django's query building and compiling (most of such a read's CPU) is not done."""
    connection = connections[DEFAULT_DB_ALIAS]
    columns = _columns(model, names) if names else _all_columns(model)
    found = _select(
        model, columns.select, conditions, order_by, limit, lock=lock, skip_locked=skip_locked
    )
    if found is None:
        return []
    found = _read(model, columns, found, connection)
    if names is not None:
        return [tuple(row) for row in found]
    return [
        _as_read(instances.read(model, columns.attnames, row), row, connection) for row in found
    ]


def referenced[B: Model, M: Model](
    by: type[B], pk: Any, field: str, model: type[M]
) -> tuple[B | None, M | None]:
    """`by`'s row with key `pk`, and the row of `model` its `field` names, in one statement
    (None for either that is not there): a thread key and the conversation it leads to, read
    at every message as two statements before (issue 18)."""
    ref_row, row, _ = referenced_with(by, pk, field, model)
    return ref_row, row


def referenced_with[B: Model, M: Model](
    by: type[B],
    pk: Any,
    field: str,
    model: type[M],
    alongside: Sequence[type[Model]] = (),
    keyed: Mapping[type[Model], Any] | None = None,
) -> tuple[B | None, M | None, dict[type[Model], Model | None]]:
    """`referenced`, with in the same statement the rows of the `alongside` models keyed as
    `model`'s is (by the value `field` holds) and of the `keyed` models by the keys given:
    what a message into a conversation reads (its mood, who its sender is), each in a
    statement of its own before. Rows not there are None."""
    keyed = dict(keyed or {})
    models = (by, model, *alongside, *keyed)
    connection = connections[DEFAULT_DB_ALIAS]
    with _reading(connection) as cursor:
        cursor.execute(
            _referenced_sql(by, field, (model, *alongside), tuple(keyed)),
            [
                m._meta.pk.get_db_prep_value(key, connection)
                for m, key in ((by, pk), *keyed.items())
            ],
        )
        [found] = cursor.fetchall()  # one row, whatever is missing
    rows, start = [], 0
    for part_model in models:
        part = _all_columns(part_model)
        values = found[start : start + len(part.fields)]
        start += len(part.fields)
        if values[part.attnames.index(part_model._meta.pk.attname)] is None:
            rows.append(None)  # the LEFT JOIN found no row: its key is NULL
            continue
        [read] = _read(part_model, part, [values], connection)
        obj = instances.read(part_model, part.attnames, read)
        rows.append(_as_read(obj, read, connection))
    return rows[0], rows[1], dict(zip(models[2:], rows[2:], strict=True))


@cache
def _all_columns(model: type[Model]) -> "_Columns":
    # Kept by model: naming every field and hashing the names at every read was about 1 % of
    # a server's CPU at 20 chats a second (issue 18).
    return _columns(model, tuple(f.attname for f in model._meta.concrete_fields))


@cache
def _referenced_sql(
    by: type[Model], field: str, models: tuple[type[Model], ...], keyed: tuple[type[Model], ...]
) -> str:
    """From a row of one, so that the statement answers one row whatever is missing."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def pk(model: type[Model]) -> str:
        return f"{table(model)}.{quote(model._meta.pk.column)}"

    joined = f"{table(by)}.{quote(by._meta.get_field(field).column)}"
    joins = [f"LEFT JOIN {table(by)} ON {pk(by)} = %s"]
    joins += [f"LEFT JOIN {table(m)} ON {pk(m)} = {joined}" for m in models]
    joins += [f"LEFT JOIN {table(m)} ON {pk(m)} = %s" for m in keyed]
    columns = [
        f"{table(m)}.{quote(f.column)}"
        for m in (by, *models, *keyed)
        for f in m._meta.concrete_fields
    ]
    return f"SELECT {', '.join(columns)} FROM (SELECT 1) AS one {' '.join(joins)}"


def _select(
    model: type[Model],
    select: str,
    conditions: dict[str, Any],
    order_by: tuple[str, ...] = (),
    limit: int | None = None,
    *,
    lock: bool = False,
    skip_locked: bool = False,
) -> list[tuple] | None:
    """The rows `select` (SELECT … FROM the model's table) gives under `where`'s conditions,
    as the driver returns them; None where an `in` of no values means there are none."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    quote = connection.ops.quote_name
    clauses, params = [], []
    for lookup, value in conditions.items():
        name, _, operator = lookup.partition("__")
        field = meta.pk if name == "pk" else meta.get_field(name)
        column = quote(field.column)
        if (operator := OPERATORS.get(operator or "exact")) is None:
            raise ValueError(f"row_statements.where takes {', '.join(OPERATORS)}, not {lookup}")
        if operator == "in":
            if not value:
                return None
            clause, keys = _in(column, _prepared(field, value, connection), connection)
            clauses.append(clause)
            params += keys
        elif value is None and operator == "=":
            clauses.append(f"{column} IS NULL")
        else:
            clauses.append(f"{column} {operator} %s")
            params.append(field.get_db_prep_value(value, connection))
    sql = select
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    if order_by:
        sql += " ORDER BY " + ", ".join(_order(meta, quote, name) for name in order_by)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
        if skip_locked and connection.features.has_select_for_update_skip_locked:
            sql += " SKIP LOCKED"
    with _reading(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# psycopg connection -> the cursor its reads and writes here run on, kept from statement to
# statement (a pooled connection outlives many requests).
_read_cursors: WeakKeyDictionary = WeakKeyDictionary()
_write_cursors: WeakKeyDictionary = WeakKeyDictionary()


@contextlib.contextmanager
def _reading(connection):
    """A cursor for a read. On PostgreSQL the connection's own, kept: Django's cursor for
    each statement (its checks, its wrapper, a new psycopg cursor with its adapters and a
    cold cache of them) was 2 % of the servers' CPU at 20 chats/s (issue 18). The checks a
    statement needs are made here as Django makes them (no statement in a transaction that
    failed; database errors as Django's); the reads are not in Django's query log."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    # Django's own making of it: the class that binds on the server, its time zone.
    cursor = _kept(_read_cursors, connection, connection.create_cursor)
    with connection.wrap_database_errors:
        yield cursor


def _kept(cursors: WeakKeyDictionary, connection, make):
    """The cursor `cursors` keeps for this connection, made by `make()` if it has none open."""
    cursor = cursors.get(connection.connection)
    if cursor is None or cursor.closed:
        cursor = cursors[connection.connection] = make()
    return cursor


def _prepared(field, values: Iterable[Any], connection) -> list:
    """Keys as the database takes them. Integers of an integer field are taken as they are:
    the router's claim put two hundred agents' ids through the field one by one at every
    arrival (issue 18)."""
    values = list(values)
    if isinstance(field, IntegerField) and all(type(v) is int for v in values):
        return values
    return [field.get_db_prep_value(v, connection) for v in values]


def _read(model: type[Model], columns: "_Columns", found: list, connection) -> list:
    """Rows from the driver as the fields read them (JSON text into Python, …)."""
    converters = _converters(connection, model, columns)
    if converters:
        return [_converted(row, converters, connection) for row in found]
    return found


# Which version of a row PostgreSQL holds: the transaction that wrote it (xmin) and where
# (ctid; a transaction that writes a row twice writes two versions at two places, and a
# place is not reused while an earlier version is still to be seen).
VERSION = "xmin::text || ctid::text"


class Remembered:
    """The fields `names` of a model's rows by key (`values`), for a reader who reads the
    same rows over and over and finds most of them as it left them: a router claiming the
    available agents at every arrival. On PostgreSQL the rows are claimed with only their
    key and row version (VERSION), and only those whose version moved since are read whole
    (and their JSON decoded) again; the same version is the same row, whatever was written
    to other rows meanwhile."""

    def __init__(self, model: type[Model], names: tuple[str, ...]):
        if names[0] not in ("pk", model._meta.pk.attname):
            raise ValueError("the key comes first")
        self.model, self.names = model, names
        self._rows: dict[Any, tuple[str, tuple]] = {}  # key -> (version, values)

    def values(
        self, pks: Sequence[Any], *, lock: bool = False, skip_locked: bool = False, **equal
    ) -> list[tuple]:
        """What `values(model, pks, names, …)` gives, in key order."""
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return values(self.model, pks, self.names, lock=lock, skip_locked=skip_locked, **equal)
        table = connection.ops.quote_name(self.model._meta.db_table)
        pk = connection.ops.quote_name(self.model._meta.pk.column)
        heads = _select(
            self.model,
            f"SELECT {pk}, {VERSION} FROM {table}",
            {"pk__in": pks, **equal},
            ("pk",),
            lock=lock,
            skip_locked=skip_locked,
        )
        if not heads:
            return []
        known = self._rows
        moved = [key for key, version in heads if known.get(key, ("",))[0] != version]
        read_again = set()
        if moved:
            columns = _columns(self.model, self.names)
            select = ", ".join(connection.ops.quote_name(f.column) for f in columns.fields)
            found = _select(
                self.model, f"SELECT {select}, {VERSION} FROM {table}", {"pk__in": moved}
            )
            for row in _read(self.model, columns, found or [], connection):
                known[row[0]] = (row[-1], tuple(row[:-1]))
                read_again.add(row[0])
        return [
            known[key][1]
            for key, version in heads
            if key in read_again or known.get(key, ("",))[0] == version
        ]

    def instances(self, rows: Iterable[tuple]) -> dict[Any, Model]:
        """Rows `values` gave, as model instances by key, for a transaction that read them
        locked to take as they are (`Rows.hold`) rather than read them again. Every field of
        the model must be among `names`. Copies: what is done to one (a JSON field changed
        in place) leaves what is remembered as it was read."""
        fields = self.model._meta.concrete_fields
        attnames = tuple(f.attname for f in fields)
        at = {
            name if name != "pk" else self.model._meta.pk.attname: i
            for i, name in enumerate(self.names)
        }
        if missing := [f.attname for f in fields if f.attname not in at]:
            raise ValueError(f"{self.model.__name__} rows without {', '.join(missing)}")
        connection = connections[DEFAULT_DB_ALIAS]
        made = {}
        for row in rows:
            read = [copy.deepcopy(row[at[f.attname]]) for f in fields]
            obj = instances.read(self.model, attnames, read)
            made[row[0]] = _as_read(obj, read, connection)
        return made


def _in(column: str, keys: list, connection) -> tuple[str, list]:
    """`column` is one of `keys`: on PostgreSQL one array parameter, so that the statement has
    one shape whatever their number (`IN (%s, …)` with two hundred keys was parsed anew by
    psycopg each time); elsewhere a placeholder per key."""
    if connection.vendor == "postgresql":
        if all(type(key) is int for key in keys):
            # As an array's text, which PostgreSQL reads in C: psycopg sized and dumped a
            # list of two hundred agents' ids element by element in Python, 130-160 µs at
            # every router round (issue 18). bigint takes any integer column's keys, and
            # its index still serves.
            return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, keys)) + "}"]
        return f"{column} = ANY(%s)", [keys]
    return f"{column} IN ({', '.join(['%s'] * len(keys))})", keys


def _order(meta, quote, name: str) -> str:
    field_name = name.removeprefix("-")
    field = meta.pk if field_name == "pk" else meta.get_field(field_name)
    return quote(field.column) + (" DESC" if name.startswith("-") else "")


def _converted(row: tuple, converters: list, connection) -> list:
    values = list(row)
    for position, convs, column in converters:
        value = values[position]
        for convert in convs:
            value = convert(value, column, connection)
        values[position] = value
    return values


# Compared and hashed by identity: one is made per model and names (`_columns` is cached),
# and each read looks its converters up by it. Hashed by value, every lookup hashed each
# of its Django fields (about 0.5 % of the servers' CPU at 20 chats a second, issue 18).
@dataclass(frozen=True, eq=False)
class _Columns:
    select: str  # SELECT … FROM …
    fields: tuple  # the model's fields, in the order selected
    attnames: tuple[str, ...]


@cache
def _columns(model: type[Model], names: tuple[str, ...]) -> _Columns:
    meta = model._meta
    fields = tuple(meta.pk if name == "pk" else meta.get_field(name) for name in names)
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return _Columns(
        select=f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(meta.db_table)}",
        fields=fields,
        attnames=tuple(f.attname for f in fields),
    )


def create(model: type[Model], objs: Sequence[Model]) -> None:
    """INSERT these new rows of `model`: in SQL made once where the model is plain, else
    through the ORM's `bulk_create`."""
    if (plain := Plain.of(model)) is not None:
        insert(plain, objs)
    else:
        model._default_manager.bulk_create(objs, batch_size=1000)


def insert(plain: Plain, objs: Iterable[Model]) -> None:
    """INSERT new rows, a few hundred values to a statement."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = plain.model._meta.concrete_fields
    per_statement = max(1, MAX_PARAMETERS // len(fields))
    objs = list(objs)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = _insert_params(plain, chunk, connection)
            cursor.execute(plain.insert + ", ".join([plain.row] * len(chunk)), params)
    _stored(objs, connection)


def update(plain: Plain, objs: Sequence[Model]) -> None:
    """UPDATE each row by primary key (many of one shape as one pipelined batch); a row that
    is not there is an error, as the ORM's forced update makes it."""
    connection = connections[DEFAULT_DB_ALIAS]
    by_statement: dict[str, list] = defaultdict(list)
    for obj in objs:
        sql, params = _update_of(plain, obj, connection)
        by_statement[sql].append(params)
    with connection.cursor() as cursor:
        for sql, params in by_statement.items():
            if len(params) == 1:
                cursor.execute(sql, params[0])
                if cursor.rowcount == 0:
                    raise DatabaseError(NOT_UPDATED)
            else:
                cursor.executemany(sql, params)


NOT_UPDATED = "Forced update did not affect any rows."
# Parameters in one statement of `write`: more, and it writes table by table instead.
MAX_WRITE_PARAMETERS = 4000


def write(
    new: Sequence[tuple[Plain, Sequence[Model]]],
    changed: Sequence[tuple[Plain, Sequence[Model]]],
    gone: Sequence[tuple[Plain, Sequence[Any]]] = (),
) -> None:
    """INSERT the `new` rows, UPDATE the `changed` ones and DELETE the `gone` keys (of models
    `folds_delete` allows), table by table: on PostgreSQL as one statement, each INSERT,
    UPDATE and DELETE a data-modifying WITH query of it. An inline append writes a few rows
    of a few tables (a message: its transcript line, search document and sentiment, the
    interaction's row, the conversation's sentiment; an accept: its timer gone too), and each
    statement cost a round trip and the driver's and Django's handling of it, more than
    PostgreSQL's work on the rows (issue 18). The rows are distinct (a row is new, changed or
    gone, one of them; the caller deletes apart, first, a key it also adds), so the order the
    parts run in does not matter; a changed row that is not there fails the whole statement,
    as `update` fails."""
    connection = connections[DEFAULT_DB_ALIAS]
    inserts = [(plain, objs) for plain, objs in new if objs]
    updates = [(plain, obj) for plain, objs in changed for obj in objs]
    deletes = [(plain, keys) for plain, keys in gone if keys]
    parameters = (
        sum(len(p.attnames) * len(objs) for p, objs in inserts)
        + sum(len(p.attnames) for p, _ in updates)
        + len(deletes)
    )
    if (
        connection.vendor != "postgresql"
        or len(inserts) + len(updates) + len(deletes) < 2
        or parameters > MAX_WRITE_PARAMETERS
    ):
        for plain, keys in deletes:
            delete(plain.model, keys)
        for plain, objs in inserts:
            insert(plain, objs)
        for plain, objs in changed:
            if objs:
                update(plain, objs)
        return
    parts, params = [], []
    quote = connection.ops.quote_name
    for n, (plain, keys) in enumerate(deletes):
        meta = plain.model._meta
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        parts.append(f"d{n} AS (DELETE FROM {table} WHERE {pk} = ANY(%s))")
        params.append([meta.pk.get_db_prep_value(key, connection) for key in keys])
    for n, (plain, objs) in enumerate(inserts):
        parts.append(f"i{n} AS ({plain.insert}{', '.join([plain.row] * len(objs))})")
        params += _insert_params(plain, objs, connection)
    for n, (plain, obj) in enumerate(updates):
        sql, values = _update_of(plain, obj, connection)
        parts.append(f"u{n} AS ({sql} RETURNING 1)")
        params += values
    counts = ", ".join(f"(SELECT count(*) FROM u{n})" for n in range(len(updates))) or "1"
    connection.ensure_connection()
    # Bound on the server ($1, …): psycopg parses and caches a client-bound statement's text
    # only up to 50 parameters, and splitting this one anew at every append was a tenth of a
    # message's CPU; a statement of one shape is prepared after a few uses.
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = _kept(
            _write_cursors, connection, lambda: first_statement.RawCursor(connection.connection)
        )
        cursor.execute(_numbered(f"WITH {', '.join(parts)} SELECT {counts}"), params)
        if updates and 0 in cursor.fetchone():
            raise DatabaseError(NOT_UPDATED)
    for _, objs in inserts:
        _stored(objs, connection)


@lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """`sql` with its `%s` placeholders as PostgreSQL's own, $1, $2, … (our statements
    have no other %)."""
    numbers = itertools.count(1)
    return re.sub("%s", lambda _: f"${next(numbers)}", sql)


def _insert_params(plain: Plain, objs: Sequence[Model], connection) -> list:
    return [
        _to_write(field, kind, wrap, obj, True, connection)
        for obj in objs
        for field, kind, wrap in plain.fields
    ]


# The instance attribute holding a row's values as they were read (`_as_read`), in the order
# of the model's concrete fields.
AS_READ = "_row_as_read"


def _as_read[M: Model](obj: M, values: Sequence[Any], connection) -> M:
    """`obj`, remembering the values it was read with, so that an UPDATE of it sets only the
    columns that changed since (`_update_of`). Only on PostgreSQL, where values of the kinds
    compared (`_AS_IS`) are read as they are written."""
    if connection.vendor == "postgresql":
        obj.__dict__[AS_READ] = values
    return obj


def _update_of(plain: Plain, obj: Model, connection) -> tuple[str, list]:
    """The UPDATE of `obj`'s row and its parameters: every column but the key, or where the
    row was read here (`_as_read`), the columns whose values changed since, with those whose
    values may change in place (JSON) or are not compared. The interaction's row is forty
    columns, of which a message changes four: preparing the values of the rest cost some 35
    us a message on the 2-core machine (issue 18, docs/benchmarks.md). A column another
    transaction wrote since the read is not this one's to write back."""
    read = obj.__dict__.pop(AS_READ, None)  # once written, this read no longer says the row
    fields = plain.fields
    if read is None or len(read) != len(fields):
        columns = plain.others
    else:
        changed = tuple(
            i
            for i in plain.others
            if fields[i][1] is None or getattr(obj, fields[i][0].attname) != read[i]
        )
        # None changed: one all the same, so that the row is locked and known to be there.
        columns = changed or plain.others[:1]
    pk = plain.model._meta.pk
    return _update_sql(plain.model, columns), [
        _to_write(*fields[i], obj, False, connection) for i in columns
    ] + [pk.get_db_prep_save(obj.pk, connection)]


@lru_cache(maxsize=1024)
def _update_sql(model: type[Model], columns: tuple[int, ...]) -> str:
    """UPDATE of the columns of these concrete fields (by position) of a row by key."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = model._meta
    fields = meta.concrete_fields
    sets = ", ".join(f"{quote(fields[i].column)} = %s" for i in columns)
    return f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"


def _to_write(field: Field, kind: Any, wrap: Any, obj: Model, add: bool, connection) -> Any:
    """What the ORM would send for `field` of `obj`: where the value is of the type the
    field sends as it is (or None), the value (wrapped), else what the field's own methods
    make of it."""
    if kind is not None:
        value = getattr(obj, field.attname)
        if value is None:
            return None
        if type(value) is kind or (
            kind is AWARE and type(value) is datetime and value.tzinfo is not None
        ):
            return value if wrap is None else wrap(value)
    return field.get_db_prep_save(field.pre_save(obj, add), connection)


def _stored(objs: Iterable[Model], connection) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def folds_delete(model: type[Model]) -> bool:
    """Whether a DELETE of `model`'s rows by key may be a part of `write`'s statement: a plain
    model that the ORM would delete fast too (nobody listens, nothing cascades)."""
    connection = connections[DEFAULT_DB_ALIAS]
    return Plain.of(model) is not None and Collector(connection.alias).can_fast_delete(model)


def delete(model: type[Model], pks: Sequence[Any]) -> None:
    """DELETE the rows with these keys: in one statement of one shape where the ORM would
    delete them fast too (nobody listens to their deletion and nothing cascades from them),
    else through the ORM's collector."""
    if not pks:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    if not Collector(connection.alias).can_fast_delete(model):
        model._default_manager.filter(pk__in=pks).delete()
        return
    meta = model._meta
    quote = connection.ops.quote_name
    keys = [meta.pk.get_db_prep_value(pk, connection) for pk in pks]
    with connection.cursor() as cursor:
        for start in range(0, len(keys), MAX_PARAMETERS):  # within SQLite's parameter limit
            clause, params = _in(
                quote(meta.pk.column), keys[start : start + MAX_PARAMETERS], connection
            )
            cursor.execute(f"DELETE FROM {quote(meta.db_table)} WHERE {clause}", params)


# What turns a column's value from the driver into the field's (JSON text into a dict, and on
# SQLite text into dates and decimals): per connection, as the backend's converters are
# methods of it.
_converters_by_connection: WeakKeyDictionary = WeakKeyDictionary()


def _converters(connection, model: type[Model], columns: _Columns) -> list[tuple[int, list, Any]]:
    known = _converters_by_connection.setdefault(connection, {})
    found = known.get(columns)
    if found is None:
        found = []
        for position, field in enumerate(columns.fields):
            column = field.get_col(model._meta.db_table)
            convs = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if convs:
                found.append((position, convs, column))
        known[columns] = found
    return found
