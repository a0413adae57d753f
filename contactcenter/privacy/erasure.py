"""The right to erasure: destroy a customer's data key, record CustomerErased, and bring the
live projections to what a rebuild from the log would now give ("erased" where a personal
field was; no identity or thread to find them by; no stored attachments); their calls'
recordings are deleted, each deletion recorded.

`scrub` mirrors the projections field by field; tests/privacy/test_erasure.py rebuilds every
projection after an erasure and compares, so the two cannot drift apart unnoticed.
"""

import logging

from django.core.files.storage import default_storage
from django.db import transaction

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate
from contactcenter.events.sealing import ERASED
from contactcenter.interactions.domain import DomainError
from contactcenter.privacy import shredding
from contactcenter.privacy.events import CustomerErased
from contactcenter.privacy.models import CustomerKey

log = logging.getLogger(__name__)


class AlreadyErased(DomainError):
    pass


@command
def erase_customer(customer_id: str, *, requested_by: str) -> list[str]:
    """Erase `customer_id` and every customer merged into them; returns the ids erased."""
    from crm.customers import stream_id
    from crm.models import Customer

    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(f"no customer {customer_id}")
    if customer.merged_into_id:
        raise DomainError(
            f"customer {customer_id} was merged into {customer.merged_into_id}: erase that one"
        )
    if shredding.is_erased(customer_id):
        raise AlreadyErased(f"customer {customer_id} is erased already")
    erased = [customer_id, *_merged_into(customer_id)]
    now = clock.now()
    for each in erased:  # the customer's own key, and every bucket of theirs
        CustomerKey.objects.update_or_create(
            key_id=each, defaults={"customer_id": each, "wrapped": b"", "erased_at": now}
        )
    buckets = CustomerKey.objects.filter(customer_id__in=erased, erased_at__isnull=True)
    destroyed = erased + list(buckets.values_list("key_id", flat=True))
    buckets.update(wrapped=b"", erased_at=now)
    aggregate.append(
        aggregate.Head.of(stream_id(customer_id)),
        [
            CustomerErased(
                customer_id=customer_id, requested_by=requested_by, also_erased=erased[1:]
            )
        ],
    )
    files = scrub(erased)
    _delete_recordings(erased)
    transaction.on_commit(lambda: _forget(destroyed, files))
    return erased


def _delete_recordings(customer_ids: list[str]) -> None:
    """Their calls' recordings: deleted from storage once this commits, each deletion
    recorded (RecordingDeleted, reason "erased") so playback and the log say so. A recording is
    a file, not a field of the log, so it is deleted rather than shredded."""
    from channels_adapters.voice.media import retention as recordings
    from contactcenter.interactions.models import Interaction

    voice_calls = Interaction.objects.filter(customer_id__in=customer_ids, channel="voice")
    stored = recordings.of_interactions(list(voice_calls.values_list("pk", flat=True)))
    recordings.delete(stored, recordings.ERASED)


def _merged_into(customer_id: str) -> list[str]:
    """Customers merged into `customer_id`, directly or through others (their identities,
    notes and interactions are this customer's now, sealed under their own keys)."""
    from crm.models import Customer

    found: list[str] = []
    frontier = [customer_id]
    while frontier:
        frontier = [
            pk
            for pk in Customer.objects.filter(merged_into_id__in=frontier).values_list(
                "pk", flat=True
            )
            if pk != customer_id and pk not in found
        ]
        found += frontier
    return found


def _erase_filled(queryset, *fields: str) -> None:
    """`fields` that hold something now read ERASED (empty ones stay empty, as in the log)."""
    for field in fields:
        queryset.exclude(**{field: ""}).update(**{field: ERASED})


def scrub(customer_ids: list[str]) -> list[str]:
    """The live projections' personal fields of `customer_ids`, erased; returns the storage
    keys of their attachments, to delete once the erasure commits."""
    from channels_adapters.email.models import AttachmentRef, MessageRef
    from contactcenter.followups.models import FollowUp
    from contactcenter.interactions.models import Interaction, ThreadKey, TranscriptEntry
    from contactcenter.knowledge import projections as knowledge
    from contactcenter.labels.models import AttributeValue
    from contactcenter.search import projections as search
    from crm.models import ContactIdentity, Customer, CustomerNote

    _erase_filled(Customer.objects.filter(pk__in=customer_ids), "name", "email", "phone", "company")
    ContactIdentity.objects.filter(customer_id__in=customer_ids).delete()
    CustomerNote.objects.filter(customer_id__in=customer_ids).update(text=ERASED)

    interactions = Interaction.objects.filter(customer_id__in=customer_ids)
    interaction_ids = list(interactions.values_list("pk", flat=True))
    _erase_filled(
        interactions,
        "subject",
        "threading_key",
        "last_message_preview",
        "wrap_up_notes",
        "csat_comment",
    )
    ThreadKey.objects.filter(interaction_id__in=interaction_ids).delete()
    AttributeValue.objects.filter(subject_id__in=[*customer_ids, *interaction_ids]).update(
        value=ERASED
    )
    _erase_filled(FollowUp.objects.filter(interaction_id__in=interaction_ids), "note")
    search.scrub_customers(customer_ids, interaction_ids)
    knowledge.forget_sentiment(interaction_ids)

    entries = TranscriptEntry.objects.filter(interaction_id__in=interaction_ids)
    files = [
        str(a.get("storage_key"))
        for attachments in entries.exclude(attachments=[]).values_list("attachments", flat=True)
        for a in attachments
        if isinstance(a, dict) and a.get("storage_key")
    ]
    messages = entries.filter(
        kind__in=[TranscriptEntry.Kind.INBOUND, TranscriptEntry.Kind.OUTBOUND]
    )
    _erase_filled(messages, "text", "html", "subject")
    _erase_filled(entries.filter(kind=TranscriptEntry.Kind.INBOUND), "author_name")
    _erase_filled(entries.filter(kind=TranscriptEntry.Kind.NOTE), "text")
    messages.exclude(attachments=[]).update(attachments=[])
    messages.exclude(channel_data={}).update(channel_data={})

    refs = MessageRef.objects.filter(interaction_id__in=interaction_ids)
    _erase_filled(refs, "sender")
    refs.exclude(header="").update(header="")
    files += list(
        AttachmentRef.objects.filter(interaction_id__in=interaction_ids).values_list(
            "storage_key", flat=True
        )
    )
    AttachmentRef.objects.filter(interaction_id__in=interaction_ids).delete()
    _scrub_calls(interaction_ids)
    _scrub_flow_answers(interaction_ids)
    return sorted(set(files))


def _scrub_flow_answers(interaction_ids: list[str]) -> None:
    """What the customer answered their flows and asked the virtual agent (sealed in
    FlowAnswerGiven, VirtualAgentReplied): each answer's text and value, and the virtual
    agent's intent, read ERASED, as a rebuild gives them."""
    from contactcenter.knowledge.models import VirtualAgentSession
    from routing.flows.models import FlowSession

    _erase_filled(VirtualAgentSession.objects.filter(interaction_id__in=interaction_ids), "intent")

    def erased(answer: dict) -> dict:
        return answer | {f: ERASED for f in ("text", "value") if answer.get(f)}

    for session in FlowSession.objects.filter(interaction_id__in=interaction_ids):
        if not any(step.get("answers") for step in session.path):
            continue
        session.path = [
            step | {"answers": [erased(a) for a in step["answers"]]} if "answers" in step else step
            for step in session.path
        ]
        session.save(update_fields=["path"])


def _scrub_calls(interaction_ids: list[str]) -> None:
    """The customer's phone number on their calls and callbacks (sealed in CallStarted,
    CallbackRequested and CallbackPlaced)."""
    from channels_adapters.voice.models import Call, Callback

    _erase_filled(Call.objects.filter(interaction_id__in=interaction_ids), "customer_number")
    _erase_filled(Callback.objects.filter(interaction_id__in=interaction_ids), "number")


def _forget(key_ids: list[str], files: list[str]) -> None:
    shredding.forget_keys(key_ids)
    delete_files(files)


def delete_files(files: list[str]) -> None:
    for key in files:
        try:
            default_storage.delete(key)
        except OSError as error:  # a file already gone is erased enough
            log.warning("erasure: could not delete %s: %s", key, error)


__all__ = ["AlreadyErased", "erase_customer", "scrub"]
