"""Subject access: everything the platform holds about a customer, as one zip — `customer.json`
(profile, identities, notes, activity, interactions with their transcripts, and every event of
their streams as the log reads now, and `recordings`: each call recording, with why it is gone if
it is), `attachments/<storage key>` for each stored file and `recordings/<storage name>` for each
call recording still stored."""

import io
import json
import zipfile
from typing import Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict

from contactcenter.events import store
from contactcenter.interactions.domain import DomainError


def customer_ids(customer_id: str) -> list[str]:
    from contactcenter.privacy.erasure import _merged_into
    from crm.models import Customer

    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(f"no customer {customer_id}")
    if customer.merged_into_id:
        raise DomainError(
            f"customer {customer_id} was merged into {customer.merged_into_id}: export that one"
        )
    return [customer_id, *_merged_into(customer_id)]


def document(customer_id: str) -> dict[str, Any]:
    from contactcenter.interactions.models import Interaction, TranscriptEntry
    from crm.customers import stream_id as customer_stream
    from crm.models import ContactIdentity, Customer, CustomerActivity, CustomerNote

    ids = customer_ids(customer_id)
    interactions = list(Interaction.objects.filter(customer_id__in=ids).order_by("created_at"))
    interaction_ids = [i.pk for i in interactions]
    entries: dict[str, list[dict]] = {}
    for entry in TranscriptEntry.objects.filter(interaction_id__in=interaction_ids).order_by(
        "position"
    ):
        entries.setdefault(entry.interaction_id, []).append(model_to_dict(entry))
    streams = [customer_stream(c) for c in ids] + [f"interaction-{i}" for i in interaction_ids]
    events = [
        {
            "position": e.position,
            "stream_id": e.stream_id,
            "version": e.version,
            "type": e.type,
            "data": e.data,
            "occurred_at": e.occurred_at,
        }
        for e in store.read_streams(streams)
    ]
    return {
        "customer": model_to_dict(Customer.objects.get(pk=customer_id)),
        "merged_customers": [model_to_dict(c) for c in Customer.objects.filter(pk__in=ids[1:])],
        "identities": [
            model_to_dict(i) for i in ContactIdentity.objects.filter(customer_id__in=ids)
        ],
        "notes": [model_to_dict(n) for n in CustomerNote.objects.filter(customer_id__in=ids)],
        "activity": [
            model_to_dict(a) for a in CustomerActivity.objects.filter(customer_id__in=ids)
        ],
        "interactions": [
            {**model_to_dict(i), "id": i.pk, "transcript": entries.get(i.pk, [])}
            for i in interactions
        ],
        "recordings": recordings(events),
        "events": events,
    }


def recordings(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The customer's call recordings from their interactions' events (RecordingSaved, and
    RecordingDeleted with its reason when one is gone), oldest first."""
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        data = event["data"]
        if event["type"] == "RecordingSaved":
            found[data["name"]] = {
                "interaction_id": data["interaction_id"],
                "name": data["name"],
                "saved_at": event["occurred_at"],
                "seconds": data["seconds"],
                "paused_seconds": data.get("paused_seconds", 0.0),
                "deleted": "",
            }
        elif event["type"] == "RecordingDeleted" and data["name"] in found:
            found[data["name"]]["deleted"] = data["reason"]
    return list(found.values())


def attachment_keys(doc: dict[str, Any]) -> list[str]:
    keys = {
        str(a["storage_key"])
        for interaction in doc["interactions"]
        for entry in interaction["transcript"]
        for a in entry.get("attachments") or []
        if isinstance(a, dict) and a.get("storage_key")
    }
    return sorted(keys)


def zip_bytes(customer_id: str) -> bytes:
    doc = document(customer_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "customer.json", json.dumps(doc, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for key in attachment_keys(doc):
            if default_storage.exists(key):
                with default_storage.open(key, "rb") as stored:
                    archive.writestr(f"attachments/{key}", stored.read())
        for each in doc["recordings"]:
            if not each["deleted"] and default_storage.exists(each["name"]):
                with default_storage.open(each["name"], "rb") as stored:
                    archive.writestr(f"recordings/{each['name']}", stored.read())
    return buffer.getvalue()
