"""Crypto-shredding: each customer's personal fields are stored encrypted under their own data
key (contactcenter/privacy/envelope.py), wrapped by the KEK (kek.py). Destroying the key
(erasure.py) makes every copy in the append-only log unreadable at once; readers then see
"erased" (an empty list or object for attachments and channel data).

Installed as the store's sealer and opener (contactcenter/events/sealing.py): projections in the
appending transaction see the plain data; everything read back from the log is opened here, a
batch at a time, with one look-up of the keys it needs.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from contactcenter import clock, request_memo
from contactcenter.events import instances, row_statements, sealing
from contactcenter.events.sealing import ERASED
from contactcenter.privacy import envelope, kek

# Event type -> its personal fields. Ids, times, channels, queues, agents and dispositions stay
# readable: the KPIs, routing and the wallboard need nothing else.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "CustomerRegistered": ("name",),
    "CustomerIdentityAdded": ("address", "display_name"),
    "CustomerProfileUpdated": ("name", "company"),
    "CustomerNoteAdded": ("text",),
    "InteractionCreated": ("subject", "threading_key"),
    "MessageReceived": (
        "sender",
        "sender_name",
        "text",
        "html",
        "subject",
        "attachments",
        "channel_data",
    ),
    "MessageSent": ("text", "html", "subject", "attachments", "channel_data"),
    "CustomerMessageEdited": ("text",),
    "InternalNoteAdded": ("text",),
    "WrapUpCompleted": ("notes",),
    "CsatRated": ("comment",),
    # Calls: the customer's phone number (the caller's, or the one called back), and what a
    # voicemail said. The platform's own number stays readable (CUSTOMER_SIDE).
    "CallStarted": ("from_number", "to_number"),
    "CallbackRequested": ("number",),
    "CallbackPlaced": ("number",),
    "VoicemailTranscribed": ("text",),
    # Self-service: what the customer answered a flow, and asked the virtual agent (its intent
    # may be their own words, and is an answer's label then). Flow attributes stay readable:
    # routing reads skill and priority from them.
    "FlowAnswerGiven": ("text", "value", "label"),
    "VirtualAgentReplied": ("question", "intent"),
    # What a lookup step sent the business's system: values the customer gave (an order
    # number, an e-mail address).
    "FlowLookupAnswered": ("sent",),
    # A custom attribute may say anything about a person (an order number, a date of birth).
    "CustomerAttributeSet": ("value",),
    "ConversationAttributeSet": ("value",),
    "FollowUpDue": ("note",),  # the wrap-up's notes, again
}
# Event types whose personal fields depend on the event: only those are sealed (opening
# looks at every field PERSONAL_FIELDS names, and opens whichever is sealed).
CUSTOMER_SIDE: dict[str, Callable[[dict[str, Any]], tuple[str, ...]]] = {
    "CallStarted": lambda data: (
        ("from_number",) if data.get("direction") == "inbound" else ("to_number",)
    ),
}
ERASED_AS: dict[str, Any] = {"attachments": [], "channel_data": {}, "sent": {}}
# Fields kept under a key per customer, channel, kind and day, so retention can purge one
# kind of data of one channel past a date without touching the rest (retention.py).
RETENTION_KINDS: dict[str, dict[str, str]] = {
    "MessageReceived": {
        "text": "message_text",
        "html": "message_text",
        "subject": "message_text",
        "attachments": "attachments",
    },
    "MessageSent": {
        "text": "message_text",
        "html": "message_text",
        "subject": "message_text",
        "attachments": "attachments",
    },
}
CACHE_SIZE = 10_000


def erased_value(field: str) -> Any:
    return ERASED_AS.get(field, ERASED)


class _Lru(OrderedDict):
    def remember(self, key: Any, value: Any) -> Any:
        self[key] = value
        self.move_to_end(key)
        if len(self) > CACHE_SIZE:
            self.popitem(last=False)
        return value


_this_thread = threading.local()
# key id -> data key for writing (None: erased). A key destroyed by another process may
# still encrypt here for a while: what it writes can never be opened, as readers look the key
# up in the database once per request or socket call (read_keys). Only keys committed are kept
# (`_kept`).
_write_keys: _Lru = _Lru()
# (key id, wrapped key) -> data key: unwrapping once per process, not per read.
_unwrapped: _Lru = _Lru()
# interaction id -> customer id
_interaction_owner: _Lru = _Lru()


def is_erased(customer_id: str) -> bool:
    """Whether `customer_id` was erased (their key destroyed): nothing more of theirs is kept.
    Here, not in erasure.py, so the channels may ask without importing each other through it."""
    from contactcenter.privacy.models import CustomerKey

    return CustomerKey.objects.filter(key_id=customer_id, erased_at__isnull=False).exists()


def forget() -> None:
    """Drop every key this process remembers (tests that rotate the KEK; a server learns a
    new one by restarting)."""
    _write_keys.clear()
    _unwrapped.clear()


def forget_keys(key_ids: list[str]) -> None:
    """Keys just destroyed here: write nothing more under them in this process."""
    for key_id in key_ids:
        _write_keys.remember(key_id, None)


def customer_of(stream_id: str, type_: str, data: dict[str, Any]) -> str:
    if type_ == "InteractionCreated":
        return _interaction_owner.remember(data["interaction_id"], data.get("customer_id") or "")
    if stream_id.startswith("customer-"):
        return data.get("customer_id") or ""
    interaction_id = data.get("interaction_id")
    if not interaction_id:
        return ""
    owner = _interaction_owner.get(interaction_id)
    if owner is None:
        from contactcenter.interactions.models import Interaction

        owner = (
            Interaction.objects.filter(pk=interaction_id).values_list("customer_id", flat=True)
        ).first() or ""
        if owner:
            _interaction_owner.remember(interaction_id, owner)
    return owner


def sealed_fields(type_: str, data: dict[str, Any]) -> tuple[str, ...]:
    pick = CUSTOMER_SIDE.get(type_)
    return pick(data) if pick else PERSONAL_FIELDS.get(type_, ())


def seal(stream_id: str, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    if type_ == "InteractionCreated":
        # Its owner is remembered even when it has nothing of its own to seal (no subject,
        # as for a text or a call): the first message, appended with it, has no interaction
        # row yet to name its customer, and went unsealed.
        customer_of(stream_id, type_, data)
    fields = sealed_fields(type_, data)
    if not fields or not any(data.get(f) for f in fields):
        return data
    customer_id = customer_of(stream_id, type_, data)
    if not customer_id:
        return data  # nobody's (an automated message no customer was registered for)
    kinds = RETENTION_KINDS.get(type_, {})
    channel = data.get("channel") or ""
    sealed = dict(data)
    for field in fields:
        value = data.get(field)
        if not value or envelope.is_sealed(value):
            continue
        kind = kinds.get(field) if channel else None
        key_id = bucket_id(customer_id, channel, kind, clock.now().date()) if kind else customer_id
        data_key = write_key(key_id)
        sealed[field] = (
            erased_value(field) if data_key is None else envelope.seal(data_key, key_id, value)
        )
    return sealed


def bucket_id(customer_id: str, channel: str, kind: str, day: date) -> str:
    return f"{customer_id}/{channel}/{kind}/{day.isoformat()}"


def write_key(key_id: str) -> bytes | None:
    """The data key `key_id` names, made on first use; None once destroyed (the customer
    erased, or the bucket purged)."""
    known, data_key = _known(key_id)
    if known:
        return data_key
    from contactcenter.privacy.models import CustomerKey

    customer_id, bucket = _split(key_id)
    fresh = _fresh().get(customer_id)
    if fresh is not None and _still_open(fresh):
        # Nobody outside this transaction knows the customer yet, so none of their keys can
        # exist: made without looking (a new customer's first message looked four times).
        # A bucket's key comes with the customer's own where that is not made yet. Inside a
        # command their rows go with the append's projection rows, in the statement that
        # writes those (two INSERTs of a new web chat's first message, issue 18); elsewhere
        # one INSERT, in SQL made once where the model allows, for both.
        made = [key_id] if not bucket or _known(customer_id)[0] else [customer_id, key_id]
        data_keys = {key: envelope.new_data_key() for key in made}
        rows = [
            instances.new(CustomerKey, **_new_key(key, *_split(key), data_keys[key]))
            for key in made
        ]
        if not sealing.made_with_the_append(rows):
            row_statements.create(CustomerKey, rows)
        for key in made:
            _kept(key, data_keys[key])
        return data_keys[key_id]
    if bucket and write_key(customer_id) is None:
        return _kept(key_id, None)  # an erased customer gets no new buckets
    found = row_statements.where(CustomerKey, names=("wrapped", "erased_at"), pk=key_id)
    row = found[0] if found else None
    if row is None:
        data_key = envelope.new_data_key()
        CustomerKey.objects.bulk_create(
            [CustomerKey(**_new_key(key_id, customer_id, bucket, data_key))],
            ignore_conflicts=True,
        )
        row = CustomerKey.objects.filter(pk=key_id).values_list("wrapped", "erased_at").first()
        if row is None:
            # Another transaction made it and has not committed in our snapshot: a command
            # retries on this, and finds it.
            raise IntegrityError(f"data key {key_id} is being made")
    wrapped, erased_at = row
    if erased_at is not None or not wrapped:
        return _kept(key_id, None)
    return _kept(key_id, _unwrap(key_id, bytes(wrapped)))


def _known(key_id: str) -> tuple[bool, bytes | None]:
    """Whether this process (or the open transaction, which made or read it) knows the key
    already, and the key (None if destroyed)."""
    if key_id in _write_keys:
        return True, _write_keys[key_id]
    pending = _pending().get(key_id)
    if pending is not None and _still_open(pending[1]):
        return True, pending[0]
    return False, None


def _split(key_id: str) -> tuple[str, list[str]]:
    customer_id, *bucket = key_id.split("/")
    return customer_id, bucket


def _new_key(key_id: str, customer_id: str, bucket: list[str], data_key: bytes) -> dict[str, Any]:
    channel, kind, day = bucket if bucket else ("", "", None)
    return {
        "key_id": key_id,
        "customer_id": customer_id,
        "channel": channel,
        "kind": kind,
        "day": day,
        "wrapped": kek.wrapper().wrap(data_key, key_id),
    }


def new_customer(customer_id: str) -> None:
    """`customer_id` is being registered by the open transaction under an id nobody else
    has seen (a new uuid): its keys are made without being looked up first, until that
    transaction ends. Outside a transaction, nothing changes."""
    if not transaction.get_connection().in_atomic_block:
        return
    fresh = _fresh()
    if len(fresh) > 1000:  # left by rollbacks
        fresh.clear()

    def forget() -> None:
        _fresh().pop(customer_id, None)

    transaction.on_commit(forget)
    fresh[customer_id] = forget


def _fresh() -> dict[str, Callable[[], None]]:
    """Customers the open transaction of this thread registered (new_customer)."""
    return _this_thread.__dict__.setdefault("fresh", {})


def _kept(key_id: str, data_key: bytes | None) -> bytes | None:
    """Remember the key once the transaction that made (or read) it commits: one that rolls
    back takes a new key's row with it, and sealing under that key again would write what no
    reader can open. Until then each use looks the row up again."""

    def keep() -> None:
        _write_keys.remember(key_id, data_key)
        _pending().pop(key_id, None)

    transaction.on_commit(keep)
    if transaction.get_connection().in_atomic_block:
        # Until then, this transaction asks its own memory: a new customer's first message
        # looked the same rows up seven times (once per field sealed).
        pending = _pending()
        if len(pending) > 1000:  # left by rollbacks
            pending.clear()
        pending[key_id] = (data_key, keep)
    return data_key


def _pending() -> dict[str, tuple[bytes | None, Callable[[], None]]]:
    """Keys made or read by the open transaction of this thread (its connection's)."""
    return _this_thread.__dict__.setdefault("pending", {})


def _still_open(keep: Callable[[], None]) -> bool:
    """Whether the transaction that read the key is still open and has not rolled the read
    back: a rollback, a savepoint's included, drops the callbacks registered in it."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(c is keep for _, c, _ in connection.run_on_commit)


def _unwrap(customer_id: str, wrapped: bytes) -> bytes:
    cached = _unwrapped.get((customer_id, wrapped))
    if cached is None:
        cached = _unwrapped.remember(
            (customer_id, wrapped), kek.wrapper().unwrap(wrapped, customer_id)
        )
    return cached


def read_keys(key_ids: set[str]) -> dict[str, bytes | None]:
    """The data keys `key_ids` name, as the database has them now (None: destroyed). A
    bucket opens only while its customer's own key stands too."""
    from contactcenter.privacy.models import CustomerKey

    wanted = key_ids | {key_id.split("/", 1)[0] for key_id in key_ids}
    # Once per request or socket call: a view opens transcript, customer, identities and
    # notes one batch at a time (the console's view of an offer looked keys up five times).
    standing: dict[str, bytes] = {}
    unknown = set()
    for key_id in wanted:
        asked, wrapped = request_memo.known("standing data key", key_id)
        if not asked:
            unknown.add(key_id)
        elif wrapped is not None:
            standing[key_id] = wrapped
    if unknown:
        found = {
            row.key_id: row.wrapped
            for row in row_statements.by_keys(CustomerKey, sorted(unknown), erased_at=None)
            if row.wrapped
        }
        for key_id in unknown:
            request_memo.keep("standing data key", key_id, found.get(key_id))
        standing.update(found)
    return {
        key_id: _unwrap(key_id, bytes(standing[key_id]))
        if key_id in standing and key_id.split("/", 1)[0] in standing
        else None
        for key_id in key_ids
    }


def open_batch(batch: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    owners = {
        envelope.owner_of(value)
        for type_, data in batch
        for field in PERSONAL_FIELDS.get(type_, ())
        if envelope.is_sealed(value := data.get(field))
    }
    if not owners:
        return [data for _, data in batch]
    keys = read_keys(owners)
    return [_opened(type_, data, keys) for type_, data in batch]


def _opened(type_: str, data: dict[str, Any], keys: dict[str, bytes | None]) -> dict[str, Any]:
    fields = PERSONAL_FIELDS.get(type_, ())
    if not any(envelope.is_sealed(data.get(f)) for f in fields):
        return data
    opened = dict(data)
    for field in fields:
        value = data.get(field)
        if not envelope.is_sealed(value):
            continue
        data_key = keys.get(envelope.owner_of(value))
        opened[field] = erased_value(field) if data_key is None else envelope.open_(data_key, value)
    return opened


def install() -> None:
    sealing.register(sealer=seal, opener=open_batch)
