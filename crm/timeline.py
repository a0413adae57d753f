"""A customer's whole history on every channel, read from the event log."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db import connection

from contactcenter import request_memo
from contactcenter.events import row_statements, store
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from crm.models import ContactIdentity, Customer, CustomerNote


@dataclass
class TimelineInteraction:
    interaction_id: str
    channel: str
    direction: str
    started_at: datetime
    state: str = "new"
    ended_at: datetime | None = None
    subject: str = ""
    summary: str = ""  # the customer's first words
    messages: int = 0
    queues: list[int] = field(default_factory=list)
    agents: list[int] = field(default_factory=list)
    disposition: str = ""
    wrap_up_notes: str = ""
    csat: int | None = None


_STATE_AFTER = {
    "SelfServiceStarted": "self_service",
    "InteractionQueued": "queued",
    "InteractionTransferred": "queued",
    "OfferCreated": "offered",
    "OfferRejected": "queued",
    "OfferTimedOut": "queued",
    "OfferRescinded": "queued",
    "OfferAccepted": "active",
    "InteractionAssigned": "active",
    "WrapUpStarted": "wrap_up",
    "InteractionClosed": "closed",
    "InteractionAbandoned": "abandoned",
    "InteractionReopened": "new",
}


# What the timeline folds (`_fold`), besides each conversation's first message.
FOLDED = frozenset(_STATE_AFTER) | {
    "InteractionCreated",
    "WrapUpCompleted",
    "CsatRated",
}


def customer_ids(customer_id: str, *, panel: bool = False) -> list[str]:
    """The customer and everyone merged into it. `panel`: the console's customer panel is
    read next (the row, identities, notes, newest conversations): on PostgreSQL they come in
    the same statement, one at every offer the console opens where there were five (issue
    18). Others (an access check, an export) read only the row with the ids."""

    def ask() -> tuple[str, ...]:
        if connection.vendor == "postgresql":
            row, merged, ahead = _with_merged(customer_id, panel)
            request_memo.keep("customer row", customer_id, row)
            for kind, value in ahead.items():
                request_memo.keep(kind, customer_id, value)
            return (customer_id, *merged)
        merged = row_statements.where(
            Customer, names=("id",), merged_into_id=customer_id, order_by=("-created_at",)
        )
        return (customer_id, *(pk for (pk,) in merged))

    # The console's customer panel asks four times (timeline, changes, labels, attributes).
    return list(request_memo.asked("merged customers", customer_id, ask))


def customer_row(customer_id: str) -> Customer | None:
    """The customer's row: as `customer_ids` read it in this request, if it did."""
    found, row = request_memo.take("customer row", customer_id)
    return row if found else row_statements.get(Customer, customer_id)


# How many of a customer's conversations and notes the panel shows, newest first.
SHOWN = 50


def identities(customer_id: str) -> list[tuple[str, str]]:
    """The customer's (kind, address) pairs, in order: as `customer_ids` read them in this
    request, if it did."""
    found, pairs = request_memo.take("customer identities", customer_id)
    if found:
        return pairs
    return row_statements.where(
        ContactIdentity,
        names=("kind", "address"),
        customer_id=customer_id,
        order_by=("kind", "address"),
    )


def notes(customer_id: str) -> list[tuple[str, str, str, datetime]]:
    """The customer's SHOWN newest notes, (id, text, author's name, when): as `customer_ids`
    read them in this request, if it did."""
    found, rows = request_memo.take("customer notes", customer_id)
    if found:
        return rows
    return row_statements.where(
        CustomerNote,
        names=("id", "text", "author_name", "created_at"),
        customer_id=customer_id,
        order_by=("-created_at",),
        limit=SHOWN,
    )


def _with_merged(
    customer_id: str, panel: bool
) -> tuple[Customer | None, list[str], dict[str, list]]:
    """The customer's row, the ids merged into it, and with `panel` what the console's panel
    reads next (the memo's kinds: identities, notes, the newest conversations)."""
    with connection.cursor() as cursor:
        cursor.execute(_with_merged_sql(panel), [customer_id])
        found = cursor.fetchone()
    if found is None:
        return None, [], {}
    if not panel:
        *values, merged = found
        return _customer(values), list(merged), {}
    *values, merged, pairs, written, newest = found
    return (
        _customer(values),
        list(merged),
        {
            "customer identities": [tuple(pair) for pair in pairs],
            # JSON's timestamps are ISO 8601 (in the session's zone, UTC): read back exactly.
            "customer notes": [
                (pk, text, author, datetime.fromisoformat(at)) for pk, text, author, at in written
            ],
            "customer newest": [tuple(pair) for pair in newest],
        },
    )


def _customer(values: list) -> Customer:
    attnames = [f.attname for f in Customer._meta.concrete_fields]
    return Customer.from_db(connection.alias, attnames, values)


@cache
def _with_merged_sql(panel: bool = True) -> str:
    """The customer's row, the ids of those merged into it, newest first, and with `panel`
    as arrays what `identities`, `notes` and `customer_timeline` read (PostgreSQL)."""
    quote = connection.ops.quote_name
    table, pk = quote(Customer._meta.db_table), quote(Customer._meta.pk.column)
    created = quote("created_at")
    columns = ", ".join(f"c.{quote(f.column)}" for f in Customer._meta.concrete_fields)
    owner = quote("customer_id")
    merged_ids = f"SELECT m.{pk} FROM {table} m WHERE m.{quote('merged_into_id')} = c.{pk}"
    merged = f"ARRAY({merged_ids} ORDER BY m.{created} DESC)"
    if not panel:
        return f"SELECT {columns}, {merged} FROM {table} c WHERE c.{pk} = %s"
    identity = quote(ContactIdentity._meta.db_table)
    kind, address = quote("kind"), quote("address")
    pairs = (
        f"ARRAY(SELECT json_build_array(i.{kind}, i.{address}) FROM {identity} i "
        f"WHERE i.{owner} = c.{pk} ORDER BY i.{kind}, i.{address})"
    )
    note = quote(CustomerNote._meta.db_table)
    written = (
        f"ARRAY(SELECT json_build_array(n.{quote('id')}, n.{quote('text')}, "
        f"n.{quote('author_name')}, n.{created}) FROM {note} n WHERE n.{owner} = c.{pk} "
        f"ORDER BY n.{created} DESC LIMIT {SHOWN})"
    )
    interaction = quote(Interaction._meta.db_table)
    # `= ANY` of one array, not `= c.id OR IN (…)`: with OR and a subquery PostgreSQL can
    # use no index, and scanned every interaction at each offer opened.
    newest = (
        f"ARRAY(SELECT json_build_array(x.{quote('id')}, x.{quote('message_count')}) "
        f"FROM {interaction} x WHERE x.{owner} = ANY(ARRAY[c.{pk}] || ARRAY({merged_ids})) "
        f"ORDER BY x.{created} DESC LIMIT {SHOWN})"
    )
    return (
        f"SELECT {columns}, {merged}, {pairs}, {written}, {newest} FROM {table} c WHERE c.{pk} = %s"
    )


def customer_timeline(
    customer_id: str, limit: int = SHOWN, exclude: str | None = None
) -> list[TimelineInteraction]:
    """Newest first, of the `limit` newest but `exclude` (the conversation on screen). The
    projection says which streams and how many messages each has; the rest is the log's,
    read without the messages but each conversation's first: the console reads this at every
    offer, and opening every message of a regular's fifty conversations cost more than a
    whole chat. A first contact's only conversation is the one excluded: no log is read."""
    ids = customer_ids(customer_id)
    found, newest = request_memo.take("customer newest", customer_id)
    if not found or limit != SHOWN:
        newest = row_statements.where(  # in SQL made once: the console reads it at every offer
            Interaction,
            names=("id", "message_count"),
            customer_id__in=ids,
            order_by=("-created_at",),
            limit=limit,
        )
    counts = {pk: count for pk, count in newest if pk != exclude}
    by_id: dict[str, TimelineInteraction] = {}
    for event in store.read_streams(
        [stream_id(i) for i in counts], types=FOLDED, first_of=("MessageReceived",)
    ):
        data = event.data
        entry = by_id.get(data.get("interaction_id", ""))
        if event.type == "InteractionCreated":
            entry = by_id[data["interaction_id"]] = TimelineInteraction(
                interaction_id=data["interaction_id"],
                channel=data["channel"],
                direction=data.get("direction", "inbound"),
                started_at=event.occurred_at,
                subject=data.get("subject", ""),
                messages=counts[data["interaction_id"]],
            )
        if entry is None:
            continue
        _fold(entry, event)
    return sorted(by_id.values(), key=lambda t: t.started_at, reverse=True)


def _fold(entry: TimelineInteraction, event: RecordedEvent) -> None:
    data = event.data
    entry.state = _STATE_AFTER.get(event.type, entry.state)
    match event.type:
        case "MessageReceived":  # the conversation's first: only it is read
            if not entry.summary:
                entry.summary = " ".join((data.get("text") or data.get("subject") or "").split())[
                    :140
                ]
        case "InteractionQueued":
            if data["queue_id"] not in entry.queues:
                entry.queues.append(data["queue_id"])
        case "OfferAccepted" | "InteractionAssigned":
            if data["agent_id"] not in entry.agents:
                entry.agents.append(data["agent_id"])
        case "WrapUpCompleted":
            entry.disposition = data["disposition"]
            entry.wrap_up_notes = data.get("notes", "")
        case "InteractionClosed" | "InteractionAbandoned":
            entry.ended_at = event.occurred_at
        case "InteractionReopened":
            entry.ended_at = None
        case "CsatRated":
            entry.csat = data.get("rating")


@dataclass
class ProfileChange:
    """One change to a customer's card: who (the event's actor, `agent:7`) changed what."""

    at: datetime
    actor: str
    what: list[str]


_PROFILE_FIELDS = {"name": "Name", "company": "Company", "language": "Language"}
# The events that are changes; the others (a registration, an identity) only say what a
# change replaced.
_CHANGES = {
    "CustomerProfileUpdated",
    "CustomerLabelled",
    "CustomerUnlabelled",
    "CustomerAttributeSet",
}


def profile_changes(customer_id: str, limit: int = 50) -> list[ProfileChange]:
    """Edits of the profile, labels and attributes of the customer (and of those merged into
    it), newest first, each with the value it replaced, folded from the log in order. What one
    transaction appended (a label and an attribute saved together) is one change."""
    profile: dict[str, dict[str, str]] = {}
    changes: list[ProfileChange] = []
    last: tuple | None = None
    streams = [f"customer-{i}" for i in customer_ids(customer_id)]
    events = store.read_streams(streams, opened=False)
    if not any(event.type in _CHANGES for event in events):
        return []  # registered, identities added, never edited: nothing to open
    for event in store.open_sealed(events):
        data, was = event.data, profile.setdefault(event.stream_id, {})
        what: list[str] = []
        match event.type:
            case "CustomerRegistered":
                was["name"] = data.get("name", "")
            case "CustomerIdentityAdded":
                was.setdefault("name", "")
                if data.get("display_name") and not was["name"]:
                    was["name"] = data["display_name"]
            case "CustomerProfileUpdated":
                for field, title in _PROFILE_FIELDS.items():
                    new = data.get(field)
                    if new is not None and new != was.get(field, ""):
                        what.append(f"{title}: {was.get(field) or '(none)'} → {new or '(none)'}")
                        was[field] = new
            case "CustomerLabelled":
                what.append(f"Label added: {data['label']}")
            case "CustomerUnlabelled":
                what.append(f"Label removed: {data['label']}")
            case "CustomerAttributeSet":
                key = f"attribute:{data['key']}"
                what.append(
                    f"{data['key']}: {was.get(key) or '(none)'} → {data['value'] or '(none)'}"
                )
                was[key] = data["value"]
        # One transaction: one txid on PostgreSQL; on SQLite, where every txid is 0, the
        # correlation of the command that appended it.
        appended_by = (event.txid, event.metadata.get("correlation_id", ""))
        if what and changes and last == appended_by and changes[-1].actor == event.actor:
            changes[-1].what.extend(what)
        elif what:
            changes.append(ProfileChange(event.occurred_at, event.actor, what))
            last = appended_by
    return sorted(changes, key=lambda c: c.at, reverse=True)[:limit]
