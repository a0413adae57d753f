"""Customer commands: identify a sender, add identities and notes, merge duplicates. Each
loads the customer's aggregate, lets it decide, and appends (decide and append)."""

import uuid
from dataclasses import dataclass

from contactcenter import request_memo
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import row_statements
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import NOTE_MAX_CHARS, DomainError, require_length
from contactcenter.privacy import shredding
from crm import events as ev
from crm.identities import Identity
from crm.models import ContactIdentity, Customer


def stream_id(customer_id: str) -> str:
    return f"customer-{customer_id}"


class CustomerStream(Aggregate):
    """A customer's stream (`customer-<id>`). It decides from its projection row (Customer,
    written in the appending transaction), so loading reads only the head version."""

    stream_prefix = "customer"
    folds = False

    def register(self, name: str, identity: Identity) -> list[DomainEvent]:
        if not self.is_new:
            raise DomainError(f"customer {self.key} exists already")
        return [
            ev.CustomerRegistered(customer_id=self.key, name=name or identity.display_name),
            self.identity_added(identity),
        ]

    def identity_added(self, identity: Identity) -> DomainEvent:
        return ev.CustomerIdentityAdded(
            customer_id=self.key,
            kind=identity.kind,
            address=identity.address,
            display_name=identity.display_name,
        )

    def live(self) -> Customer:
        customer = Customer.objects.filter(pk=self.key).first()
        if customer is None:
            raise DomainError(f"no customer {self.key}")
        if customer.merged_into_id:
            raise DomainError(f"customer {self.key} was merged into {customer.merged_into_id}")
        return customer

    def add_note(self, note_id: str, text: str, author: str, author_name: str) -> list[DomainEvent]:
        if not text.strip():
            raise DomainError("a note needs some text")
        require_length("a note", text, NOTE_MAX_CHARS)
        self.live()
        return [
            ev.CustomerNoteAdded(
                customer_id=self.key,
                note_id=note_id,
                author=author,
                author_name=author_name,
                text=text,
            )
        ]

    def merge_into(self, into: "CustomerStream") -> list[DomainEvent]:
        if self.key == into.key:
            raise DomainError("cannot merge a customer into itself")
        self.live()
        into.live()
        return [ev.CustomerMerged(customer_id=self.key, into_customer_id=into.key)]


def find(identity: Identity) -> str | None:
    """The (surviving) customer this identity belongs to, if known."""

    def ask() -> str | None:
        # By key in SQL made once: asked at every inbound message (row_statements, issue 18).
        row = row_statements.get(ContactIdentity, identity.key)
        return row.customer_id if row else None

    # Once a request: a web chat's first message asks before its ingest (the name the visitor
    # gave before) and in it. An answer gone stale meanwhile is refused by the identity's key
    # when the command registers it again, and the retry asks afresh (commands forget).
    return request_memo.asked("identity owner", identity.key, ask)


def answered(identity: Identity) -> bool:
    """Whether `find` has its answer for this request already (asked, or `read_with`)."""
    return request_memo.known("identity owner", identity.key)[0]


def read_with(identity: Identity, row: ContactIdentity | None) -> None:
    """A caller read the identity's row along with rows of its own, in one statement (ingest,
    with the conversation's thread key): `find` answers from it for the rest of the request."""
    request_memo.keep("identity owner", identity.key, row.customer_id if row else None)


@dataclass(frozen=True)
class Registration:
    """A customer about to be registered, for the caller to append along with its own first
    events in one statement (`aggregates.append_many`, this first): an inbound message's
    interaction then finds the customer's new row in memory instead of reading it back."""

    stream: CustomerStream
    events: list[DomainEvent]
    identity: Identity

    @property
    def customer_id(self) -> str:
        return self.stream.key

    def appended(self) -> None:
        """Once appended: the rest of the request knows who the identity belongs to."""
        request_memo.keep("identity owner", self.identity.key, self.customer_id)


def find_or_register(identity: Identity, *, name: str = "") -> tuple[str, Registration | None]:
    """The customer for `identity` and None; for an unknown identity, a new customer's id and
    its registration, which the caller appends in its transaction (inside a command)."""
    existing = find(identity)
    if existing:
        return existing, None
    customer = CustomerStream(str(uuid.uuid4()))  # a stream no one has written: at 0, unread
    shredding.new_customer(customer.key)
    return customer.key, Registration(customer, customer.register(name, identity), identity)


@command
def identify(identity: Identity, *, name: str = "") -> tuple[str, bool]:
    """The customer for `identity`, registering a new one if it is unknown.

    Returns (customer_id, created). Two first contacts from one new address at once cannot
    make two customers: the identity's primary key refuses the second, whose command retries
    and then finds the first.
    """
    customer_id, registration = find_or_register(identity, name=name)
    if registration is None:
        return customer_id, False
    aggregates.append(registration.stream, registration.events)
    registration.appended()
    return customer_id, True


@command
def add_identity(customer_id: str, identity: Identity) -> None:
    owner = find(identity)
    if owner == customer_id:
        return
    if owner:
        raise DomainError(f"{identity.key} belongs to another customer; merge them instead")
    customer = CustomerStream.load(customer_id)
    aggregates.append(customer, [customer.identity_added(identity)])
    request_memo.keep("identity owner", identity.key, customer_id)


@command
def update_profile(
    customer_id: str,
    *,
    name: str | None = None,
    company: str | None = None,
    language: str | None = None,
) -> None:
    customer = CustomerStream.load(customer_id)
    customer.live()
    aggregates.append(
        customer,
        [
            ev.CustomerProfileUpdated(
                customer_id=customer_id, name=name, company=company, language=language
            )
        ],
    )


@command
def edit_profile(customer_id: str, changes: dict[str, str]) -> list[str]:
    """Only the fields whose value differs from the profile now; returns their names."""
    customer = CustomerStream.load(customer_id)
    row = customer.live()
    changed = {f: v for f, v in changes.items() if getattr(row, f) != v}
    if changed:
        aggregates.append(customer, [ev.CustomerProfileUpdated(customer_id=customer_id, **changed)])
    return sorted(changed)


@command
def add_note(customer_id: str, text: str, *, author: str, author_name: str = "") -> str:
    note_id = str(uuid.uuid4())
    customer = CustomerStream.load(customer_id)
    aggregates.append(customer, customer.add_note(note_id, text, author, author_name))
    return note_id


@command
def merge(duplicate_id: str, into_id: str) -> None:
    """`duplicate_id` is the same person as `into_id`: everything moves to `into_id`."""
    duplicate = CustomerStream.load(duplicate_id)
    aggregates.append(duplicate, duplicate.merge_into(CustomerStream.load(into_id)))
