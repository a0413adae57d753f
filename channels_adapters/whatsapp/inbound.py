"""A Cloud API `messages` webhook, normalised: each customer message becomes an
InboundMessage, each status a delivery report. Pure reading of Meta's documented payload
(object whatsapp_business_account → entry[].changes[].value with metadata, contacts,
messages, statuses); nothing here touches the database."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from channels_adapters.meta.webhooks import dig, objects, text
from contactcenter.interactions.ingest import Attachment, InboundMessage

MEDIA = ("image", "audio", "video", "document", "sticker")
STATUSES = ("sent", "delivered", "read", "failed")


@dataclass(frozen=True)
class Status:
    phone_number_id: str
    external_id: str  # the wamid of a message we sent
    status: str  # sent, delivered, read, failed
    reason: str = ""


@dataclass
class Batch:
    messages: list[tuple[str, InboundMessage]] = field(default_factory=list)  # (pnid, message)
    statuses: list[Status] = field(default_factory=list)


def read(payload: dict[str, Any]) -> Batch:
    batch = Batch()
    if payload.get("object") != "whatsapp_business_account":
        return batch
    for entry in objects(payload.get("entry")):
        for change in objects(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            pnid = text(value, "metadata", "phone_number_id")
            names = {
                text(c, "wa_id"): text(c, "profile", "name") for c in objects(value.get("contacts"))
            }
            for message in objects(value.get("messages")):
                inbound = _message(pnid, message, names)
                if inbound is not None:
                    batch.messages.append((pnid, inbound))
            for status in objects(value.get("statuses")):
                if status.get("status") in STATUSES and text(status, "id"):
                    batch.statuses.append(
                        Status(pnid, text(status, "id"), status["status"], _reason(status))
                    )
    return batch


def _message(pnid: str, message: dict[str, Any], names: dict[str, str]) -> InboundMessage | None:
    sender, wamid, kind = text(message, "from"), text(message, "id"), text(message, "type")
    if not (pnid and sender and wamid) or kind in ("reaction", "system", "unsupported", ""):
        return None  # a reaction or a notice of Meta's: nothing a person has to answer
    said, choice, attachments = _content(kind, message)
    return InboundMessage(
        channel="whatsapp",
        channel_key=pnid,
        sender_kind="phone",
        sender_address="+" + sender.lstrip("+"),  # wa_id: the number without its "+"
        sender_name=names.get(sender, ""),
        threading_key=f"{pnid}:{sender}",
        external_id=wamid,
        text=said,
        attachments=attachments,
        channel_data={
            "whatsapp": {"type": kind, "replying_to": text(message, "context", "id")},
            **({"flow_choice": choice} if choice else {}),
        },
    )


def _content(kind: str, message: dict) -> tuple[str, str, tuple[Attachment, ...]]:
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return text(body, "body"), "", ()
    if kind in MEDIA:
        media_id = text(body, "id")
        attachment = Attachment(
            name=text(body, "filename") or f"{kind}-{media_id}",
            content_type=text(body, "mime_type") or "application/octet-stream",
            size=0,  # Meta hosts it; the console fetches it through us (views.media)
            url=f"/channels/whatsapp/media/{media_id}/?"
            + urlencode({"message": text(message, "id")}),
        )
        return text(body, "caption"), "", (attachment,) if media_id.isdigit() else ()
    if kind == "interactive":  # an answer to our buttons or list: a flow menu's option
        reply = dig(body, "button_reply") or dig(body, "list_reply")
        return text(reply, "title"), text(reply, "id"), ()
    if kind == "button":  # a template's quick-reply button
        return text(body, "text"), text(body, "payload"), ()
    if kind == "location":
        where = f"{text(body, 'latitude')}, {text(body, 'longitude')}"
        label = " ".join(text(body, k) for k in ("name", "address")).strip()
        return f"Location: {where}" + (f" ({label})" if label else ""), "", ()
    if kind == "contacts":
        shared = objects(message.get("contacts"))
        people = [text(c, "name", "formatted_name") for c in shared]
        return "Shared contact: " + ", ".join(p for p in people if p), "", ()
    return f"[{kind} message]", "", ()


def _reason(status: dict[str, Any]) -> str:
    errors = objects(status.get("errors"))
    if status.get("status") != "failed" or not errors:
        return ""
    error = errors[0]
    details = text(error, "error_data", "details")
    return f"WhatsApp error {text(error, 'code')}: {text(error, 'title')}" + (
        f" ({details})" if details else ""
    )
