"""Customer commands: identify a sender, add identities and notes, merge duplicates."""

import uuid

from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.interactions.domain import NOTE_MAX_CHARS, DomainError, require_length
from crm import events as ev
from crm.identities import Identity
from crm.models import ContactIdentity, Customer


def stream_id(customer_id: str) -> str:
    return f"customer-{customer_id}"


def find(identity: Identity) -> str | None:
    """The (surviving) customer this identity belongs to, if known."""
    row = ContactIdentity.objects.filter(key=identity.key).values_list("customer_id").first()
    return row[0] if row else None


@command
def identify(identity: Identity, *, name: str = "") -> tuple[str, bool]:
    """The customer for `identity`, registering a new one if it is unknown.

    Returns (customer_id, created). Two first contacts from one new address at once cannot
    make two customers: the identity's primary key refuses the second, whose command retries
    and then finds the first.
    """
    existing = find(identity)
    if existing:
        return existing, False
    customer_id = str(uuid.uuid4())
    store.append(
        stream_id(customer_id),
        [
            ev.CustomerRegistered(customer_id=customer_id, name=name or identity.display_name),
            ev.CustomerIdentityAdded(
                customer_id=customer_id,
                kind=identity.kind,
                address=identity.address,
                display_name=identity.display_name,
            ),
        ],
        expected_version=0,
    )
    return customer_id, True


@command
def add_identity(customer_id: str, identity: Identity) -> None:
    owner = find(identity)
    if owner == customer_id:
        return
    if owner:
        raise DomainError(f"{identity.key} belongs to another customer; merge them instead")
    store.append(
        stream_id(customer_id),
        [
            ev.CustomerIdentityAdded(
                customer_id=customer_id,
                kind=identity.kind,
                address=identity.address,
                display_name=identity.display_name,
            )
        ],
        expected_version=store.stream_version(stream_id(customer_id)),
    )


@command
def update_profile(
    customer_id: str,
    *,
    name: str | None = None,
    company: str | None = None,
    language: str | None = None,
) -> None:
    _require_live(customer_id)
    store.append(
        stream_id(customer_id),
        [
            ev.CustomerProfileUpdated(
                customer_id=customer_id, name=name, company=company, language=language
            )
        ],
        expected_version=store.stream_version(stream_id(customer_id)),
    )


@command
def add_note(customer_id: str, text: str, *, author: str, author_name: str = "") -> str:
    if not text.strip():
        raise DomainError("a note needs some text")
    require_length("a note", text, NOTE_MAX_CHARS)
    _require_live(customer_id)
    note_id = str(uuid.uuid4())
    store.append(
        stream_id(customer_id),
        [
            ev.CustomerNoteAdded(
                customer_id=customer_id,
                note_id=note_id,
                author=author,
                author_name=author_name,
                text=text,
            )
        ],
        expected_version=store.stream_version(stream_id(customer_id)),
    )
    return note_id


@command
def merge(duplicate_id: str, into_id: str) -> None:
    """`duplicate_id` is the same person as `into_id`: everything moves to `into_id`."""
    if duplicate_id == into_id:
        raise DomainError("cannot merge a customer into itself")
    _require_live(duplicate_id)
    _require_live(into_id)
    store.append(
        stream_id(duplicate_id),
        [ev.CustomerMerged(customer_id=duplicate_id, into_customer_id=into_id)],
        expected_version=store.stream_version(stream_id(duplicate_id)),
    )


def _require_live(customer_id: str) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(f"no customer {customer_id}")
    if customer.merged_into_id:
        raise DomainError(f"customer {customer_id} was merged into {customer.merged_into_id}")
    return customer
