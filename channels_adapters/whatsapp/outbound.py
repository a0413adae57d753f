"""Replies to WhatsApp users through the Cloud API (POST /{phone-number-id}/messages): text,
media by link, flow menus as reply buttons or a list, and, outside the 24-hour window, the
approved template whose body the agent chose. The outbox retries temporary failures."""

import logging
from typing import Any

from channels_adapters import base
from channels_adapters.meta import graph
from channels_adapters.whatsapp import window
from channels_adapters.whatsapp.models import WhatsAppChannel
from contactcenter.interactions.models import Interaction

log = logging.getLogger(__name__)
MAX_LENGTH = 4096  # characters of a text message's body
BUTTONS, LIST_ROWS = 3, 10  # Meta's limits for reply buttons and list rows
MEDIA_KINDS = {"image": "image", "audio": "audio", "video": "video"}


class WhatsAppAdapter:
    channel = "whatsapp"
    capabilities = base.Capabilities(realtime=False, attachments=True, max_length=MAX_LENGTH)

    def send(self, message: base.OutboundMessage) -> base.DeliveryResult:
        channel = WhatsAppChannel.objects.filter(
            phone_number_id=message.channel_key, active=True
        ).first()
        if channel is None or not channel.access_token:
            raise base.PermanentFailure(f"no active WhatsApp number {message.channel_key}")
        if not message.to_address:
            raise base.PermanentFailure("the customer has no WhatsApp number")
        bodies = [body(message, _template_if_closed(channel, message))]
        bodies += [media(a) for a in message.attachments if a.get("url", "").startswith("http")]
        sent = ""
        for payload in bodies:
            request = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": message.to_address.lstrip("+"),
                **payload,
            }
            answer = graph.call(
                channel.api_base_url,
                channel.api_version,
                f"{channel.phone_number_id}/messages",
                channel.access_token,
                request,
            )
            ids = [m.get("id") for m in answer.get("messages") or [] if isinstance(m, dict)]
            sent = sent or str(ids[0] if ids else "")
        log.info("WhatsApp to %s from %s %s", message.to_address, channel.phone_number_id, sent)
        return base.DeliveryResult(status="sent", external_id=sent)


def _template_if_closed(channel: WhatsAppChannel, message: base.OutboundMessage) -> dict | None:
    """None inside the window; outside it the approved template the text is, else refused
    (Meta would refuse it too, with 131047, after a round trip)."""
    row = Interaction.objects.filter(pk=message.interaction_id).first()
    if row is not None and window.is_open(row.customer_id, channel.phone_number_id):
        return None
    template = channel.template(message.text)
    if template is None:
        raise base.PermanentFailure(
            "outside the 24-hour customer-service window: only an approved template can be "
            "sent until the customer writes again"
        )
    return template


def body(message: base.OutboundMessage, template: dict | None = None) -> dict[str, Any]:
    if template is not None:
        language = {"code": template.get("language") or "en_US"}
        return {"type": "template", "template": {"name": template["name"], "language": language}}
    flow = message.channel_data.get("flow") or {}
    options = flow.get("options") or []
    text = message.text[:MAX_LENGTH] or "Please choose:"
    if not options:
        return {"type": "text", "text": {"body": message.text[:MAX_LENGTH], "preview_url": True}}
    if len(options) <= BUTTONS:
        buttons = [
            {"type": "reply", "reply": {"id": str(o["value"]), "title": str(o["label"])[:20]}}
            for o in options
        ]
        action: dict[str, Any] = {"buttons": buttons}
        return {"type": "interactive", "interactive": _interactive("button", text, action)}
    rows = [{"id": str(o["value"]), "title": str(o["label"])[:24]} for o in options[:LIST_ROWS]]
    action = {"button": "Choose", "sections": [{"title": "Options", "rows": rows}]}
    return {"type": "interactive", "interactive": _interactive("list", text, action)}


def _interactive(kind: str, text: str, action: dict) -> dict[str, Any]:
    return {"type": kind, "body": {"text": text[:1024]}, "action": action}


def media(attachment: dict[str, Any]) -> dict[str, Any]:
    """An attachment with a public link, as the media message of its kind (else a document)."""
    kind = MEDIA_KINDS.get(str(attachment.get("content_type", "")).split("/")[0], "document")
    item = {"link": attachment["url"]}
    if kind == "document":
        item["filename"] = attachment.get("name", "attachment")
    return {"type": kind, kind: item}
