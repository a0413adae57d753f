"""A Messenger or Instagram webhook, normalised. Meta's documented payload: object "page" or
"instagram", entry[] with the page's id and a messaging[] of events from sender to recipient:
`message` (text, attachments, a quick reply's payload; `is_echo` for what the page itself
sent, which we ignore), `postback` (a button), `delivery` (mids) and `read` (a watermark)."""

from dataclasses import dataclass, field
from typing import Any

from channels_adapters.meta.webhooks import dig, objects, text
from contactcenter.interactions.ingest import Attachment, InboundMessage

OBJECTS = {"page": "messenger", "instagram": "instagram"}


@dataclass(frozen=True)
class Receipt:
    page_id: str
    customer: str  # PSID / IGSID
    status: str  # delivered, read
    mids: tuple[str, ...] = ()
    watermark: int = 0  # read: everything sent up to this time (ms since the epoch)


@dataclass
class Batch:
    messages: list[tuple[str, InboundMessage]] = field(default_factory=list)  # (page, message)
    receipts: list[Receipt] = field(default_factory=list)
    echoes: int = 0


def read(payload: dict[str, Any]) -> Batch:
    batch = Batch()
    platform = OBJECTS.get(str(payload.get("object", "")))
    if platform is None:
        return batch
    for entry in objects(payload.get("entry")):
        page = str(entry.get("id", ""))
        for event in objects(entry.get("messaging")):
            _event(batch, platform, page, event)
    return batch


def _event(batch: Batch, platform: str, page: str, event: dict[str, Any]) -> None:
    sender = text(event, "sender", "id")
    message, postback = event.get("message"), event.get("postback")
    if isinstance(message, dict) and message.get("is_echo"):
        batch.echoes += 1  # what the page sent (our own replies included): never a customer's
        return
    if not sender:
        return
    if isinstance(message, dict) and text(message, "mid"):
        choice = text(message, "quick_reply", "payload")
        batch.messages.append((page, _inbound(platform, page, sender, message, choice)))
    elif isinstance(postback, dict):
        mid = text(postback, "mid") or f"postback-{sender}-{text(event, 'timestamp')}"
        message = {"mid": mid, "text": text(postback, "title")}
        batch.messages.append(
            (page, _inbound(platform, page, sender, message, text(postback, "payload")))
        )
    elif isinstance(event.get("delivery"), dict):
        mids = tuple(str(m) for m in objects_or_ids(dig(event, "delivery", "mids")))
        batch.receipts.append(Receipt(page, sender, "delivered", mids=mids))
    elif isinstance(event.get("read"), dict):
        watermark = event["read"].get("watermark")
        mid = text(event, "read", "mid")  # Instagram names the message read
        batch.receipts.append(
            Receipt(
                page,
                sender,
                "read",
                mids=(str(mid),) if mid else (),
                watermark=watermark if isinstance(watermark, int) else 0,
            )
        )


def _inbound(platform: str, page: str, sender: str, message: dict, choice: str) -> InboundMessage:
    attachments = tuple(
        Attachment(
            name=f"{a.get('type', 'file')}-{n + 1}",
            content_type=_content_type(str(a.get("type", ""))),
            size=0,  # Meta hosts it at a public CDN URL
            url=text(a, "payload", "url"),
        )
        for n, a in enumerate(objects(message.get("attachments")))
        if text(a, "payload", "url")
    )
    return InboundMessage(
        channel="messenger",
        channel_key=page,
        sender_kind="messenger",
        sender_address=sender,
        threading_key=f"{page}:{sender}",
        external_id=str(message["mid"]),
        text=text(message, "text"),
        attachments=attachments,
        channel_data={
            "messenger": {"platform": platform},
            **({"flow_choice": choice} if choice else {}),
        },
    )


def objects_or_ids(value) -> list[str]:
    return (
        [str(v) for v in value if isinstance(v, str | int) and v] if isinstance(value, list) else []
    )


def _content_type(kind: str) -> str:
    return {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}.get(
        kind, "application/octet-stream"
    )
