"""A Cloud API `messages` webhook, normalised: each customer message becomes an
InboundMessage, each status a delivery report. Pure reading of Meta's documented payload
(object whatsapp_business_account → entry[].changes[].value with metadata, contacts,
messages, statuses); nothing here touches the database."""

from dataclasses import dataclass, field
from typing import Any

from channels_adapters.meta.webhooks import objects
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
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            pnid = str(metadata.get("phone_number_id", ""))
            names = {
                str(c.get("wa_id", "")): str((c.get("profile") or {}).get("name", ""))
                for c in objects(value.get("contacts"))
            }
            for message in objects(value.get("messages")):
                inbound = _message(pnid, message, names)
                if inbound is not None:
                    batch.messages.append((pnid, inbound))
            for status in objects(value.get("statuses")):
                if status.get("status") in STATUSES and status.get("id"):
                    batch.statuses.append(
                        Status(pnid, str(status["id"]), status["status"], _reason(status))
                    )
    return batch


def _message(pnid: str, message: dict[str, Any], names: dict[str, str]) -> InboundMessage | None:
    sender, wamid = str(message.get("from", "")), str(message.get("id", ""))
    kind = message.get("type", "")
    if not (pnid and sender and wamid) or kind in ("reaction", "system", "unsupported", ""):
        return None  # a reaction or a notice of Meta's: nothing a person has to answer
    text, choice, attachments = _content(kind, message, pnid)
    context = message.get("context") if isinstance(message.get("context"), dict) else {}
    return InboundMessage(
        channel="whatsapp",
        channel_key=pnid,
        sender_kind="phone",
        sender_address="+" + sender.lstrip("+"),  # wa_id: the number without its "+"
        sender_name=names.get(sender, ""),
        threading_key=f"{pnid}:{sender}",
        external_id=wamid,
        text=text,
        attachments=attachments,
        channel_data={
            "whatsapp": {"type": kind, "replying_to": str(context.get("id", ""))},
            **({"flow_choice": choice} if choice else {}),
        },
    )


def _content(kind: str, message: dict, pnid: str) -> tuple[str, str, tuple[Attachment, ...]]:
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return str(body.get("body", "")), "", ()
    if kind in MEDIA:
        media_id = str(body.get("id", ""))
        attachment = Attachment(
            name=str(body.get("filename") or f"{kind}-{media_id}"),
            content_type=str(body.get("mime_type") or "application/octet-stream"),
            size=0,  # Meta hosts it; the console fetches it through us (views.media)
            url=f"/channels/whatsapp/media/{message.get('id', '')}/{media_id}/",
        )
        return str(body.get("caption", "")), "", (attachment,) if media_id else ()
    if kind == "interactive":  # an answer to our buttons or list: a flow menu's option
        reply = body.get("button_reply") or body.get("list_reply") or {}
        return str(reply.get("title", "")), str(reply.get("id", "")), ()
    if kind == "button":  # a template's quick-reply button
        return str(body.get("text", "")), str(body.get("payload", "")), ()
    if kind == "location":
        where = f"{body.get('latitude')}, {body.get('longitude')}"
        label = " ".join(str(body.get(k, "")) for k in ("name", "address")).strip()
        return f"Location: {where}" + (f" ({label})" if label else ""), "", ()
    if kind == "contacts":
        people = [str((c.get("name") or {}).get("formatted_name", "")) for c in objects(body)]
        shared = objects(message.get("contacts"))
        people = [str((c.get("name") or {}).get("formatted_name", "")) for c in shared] or people
        return "Shared contact: " + ", ".join(p for p in people if p), "", ()
    return f"[{kind} message]", "", ()


def _reason(status: dict[str, Any]) -> str:
    errors = objects(status.get("errors"))
    if status.get("status") != "failed" or not errors:
        return ""
    error = errors[0]
    details = (error.get("error_data") or {}).get("details", "")
    return f"WhatsApp error {error.get('code')}: {error.get('title', '')}" + (
        f" ({details})" if details else ""
    )
