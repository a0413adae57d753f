"""The 24-hour customer-service window: a business may write freely to a WhatsApp user for 24
hours after the user's last message; after that only an approved template goes out (Meta
refuses anything else with error 131047). Read from the transcript, which the log projects."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max

from channels_adapters.whatsapp.models import WhatsAppChannel
from contactcenter import clock
from contactcenter.interactions.models import Interaction, TranscriptEntry

WINDOW = timedelta(hours=24)


def last_inbound(customer_id: str, phone_number_id: str) -> datetime | None:
    """When the customer last wrote to this number (on any of their conversations)."""
    conversations = Interaction.objects.filter(
        channel="whatsapp", channel_key=phone_number_id, customer_id=customer_id
    ).values("id")
    return TranscriptEntry.objects.filter(
        interaction_id__in=conversations, kind=TranscriptEntry.Kind.INBOUND
    ).aggregate(at=Max("occurred_at"))["at"]


def closes_at(customer_id: str, phone_number_id: str) -> datetime | None:
    last = last_inbound(customer_id, phone_number_id)
    return last + WINDOW if last else None


def is_open(customer_id: str, phone_number_id: str, now: datetime | None = None) -> bool:
    closes = closes_at(customer_id, phone_number_id)
    return closes is not None and (now or clock.now()) < closes


def console_extras(row: Interaction) -> dict[str, Any] | None:
    """Outside the window the console says so, blocks free text and offers the templates."""
    if is_open(row.customer_id, row.channel_key):
        return None
    channel = WhatsAppChannel.objects.filter(phone_number_id=row.channel_key).first()
    templates = channel.templates if channel else []
    closes = closes_at(row.customer_id, row.channel_key)
    since = f" (closed {closes:%Y-%m-%d %H:%M} UTC)" if closes else ""
    return {
        "banner": "The 24-hour WhatsApp window is closed" + since + ": only an approved "
        "template can be sent until the customer writes again.",
        "blocks_reply": True,
        "templates": [
            {"name": t["name"], "label": t.get("label") or t["name"], "text": t["text"]}
            for t in templates
        ],
    }
