"""Replies through the Send API (POST /{page-id}/messages): text, media by link, and flow
menus as quick replies. Within 24 hours of the customer's last message a reply is a RESPONSE;
later, up to 7 days, it goes with the HUMAN_AGENT tag (a person answering), as Meta allows."""

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Max

from channels_adapters import base
from channels_adapters.messenger.models import MessengerPage
from channels_adapters.meta import graph
from contactcenter import clock
from contactcenter.interactions.models import Interaction, TranscriptEntry

log = logging.getLogger(__name__)
MAX_LENGTH = 2000  # characters of a text message
QUICK_REPLIES = 13  # Meta's limit; titles up to 20 characters
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
MEDIA_KINDS = {"image", "audio", "video"}


class MessengerAdapter:
    channel = "messenger"
    capabilities = base.Capabilities(realtime=False, attachments=True, max_length=MAX_LENGTH)

    def send(self, message: base.OutboundMessage) -> base.DeliveryResult:
        page = MessengerPage.objects.filter(page_id=message.channel_key, active=True).first()
        if page is None or not page.access_token:
            raise base.PermanentFailure(f"no active Messenger page {message.channel_key}")
        if not message.to_address:
            raise base.PermanentFailure("the customer has no Messenger id")
        kind = messaging_type(message.interaction_id)
        payloads = [text_message(message)] if message.text else []
        payloads += [media(a) for a in message.attachments if a.get("url", "").startswith("http")]
        sent = ""
        for payload in payloads:
            answer = graph.call(
                page.api_base_url,
                page.api_version,
                f"{page.page_id}/messages",
                page.access_token,
                {"recipient": {"id": message.to_address}, **kind, "message": payload},
            )
            sent = sent or str(answer.get("message_id", ""))
        log.info("Messenger to %s on page %s: %s", message.to_address, page.page_id, sent)
        return base.DeliveryResult(status="sent", external_id=sent)


def messaging_type(interaction_id: str) -> dict[str, str]:
    """RESPONSE inside the standard window, the HUMAN_AGENT tag after it; refused after 7 days."""
    last = TranscriptEntry.objects.filter(
        interaction_id__in=_conversations_of(interaction_id), kind=TranscriptEntry.Kind.INBOUND
    ).aggregate(at=Max("occurred_at"))["at"]
    since = clock.now() - last if last else None
    if since is not None and since < STANDARD_WINDOW:
        return {"messaging_type": "RESPONSE"}
    if since is not None and since < HUMAN_AGENT_WINDOW:
        return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    raise base.PermanentFailure(
        "the customer last wrote more than 7 days ago: Messenger takes no reply until they "
        "write again"
    )


def _conversations_of(interaction_id: str):
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None:
        return Interaction.objects.none().values("id")
    return Interaction.objects.filter(
        channel="messenger", channel_key=row.channel_key, customer_id=row.customer_id
    ).values("id")


def text_message(message: base.OutboundMessage) -> dict[str, Any]:
    options = (message.channel_data.get("flow") or {}).get("options") or []
    payload: dict[str, Any] = {"text": message.text[:MAX_LENGTH]}
    if options:
        payload["quick_replies"] = [
            {"content_type": "text", "title": str(o["label"])[:20], "payload": str(o["value"])}
            for o in options[:QUICK_REPLIES]
        ]
    return payload


def media(attachment: dict[str, Any]) -> dict[str, Any]:
    kind = str(attachment.get("content_type", "")).split("/")[0]
    kind = kind if kind in MEDIA_KINDS else "file"
    return {"attachment": {"type": kind, "payload": {"url": attachment["url"]}}}
