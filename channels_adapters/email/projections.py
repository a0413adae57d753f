"""Inline projection of e-mail messages: Message-ID -> interaction (MessageRef), and stored
file -> interaction (AttachmentRef, for permission-checked downloads).

Written in the transaction that appends each message, so a reply that arrives a moment after
our message was sent already finds it; rebuilt from the log like any projection.
"""

import hashlib

from channels_adapters.email.models import AttachmentRef, MessageRef
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ev

LONGEST_KEPT = 120  # longer Message-IDs are kept by their hash (the log's keys are bounded)


def ref_key(message_id: str) -> str:
    """How a Message-ID is stored: without angle brackets; a very long one by its hash."""
    key = message_id.strip().strip("<>").strip()
    if len(key) > LONGEST_KEPT:
        return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key


@register
class EmailThreadingProjector(Projector):
    name = "email"
    models = [MessageRef, AttachmentRef]
    write_once = [MessageRef, AttachmentRef]

    def _add(
        self, rows: Rows, ref: str, e, r: RecordedEvent, direction: str, sender: str, header=""
    ):
        # The first message with an id keeps it (a copy to a second inbox); our own ids are
        # fresh UUIDs, which need no look.
        if not ref or (direction == "inbound" and rows.get(MessageRef, ref) is not None):
            return
        rows.add(
            MessageRef(
                ref=ref,
                header=header,
                interaction_id=e.interaction_id,
                message_id=e.message_id,
                direction=direction,
                sender=sender[:254],
                position=r.position,
                occurred_at=r.occurred_at,
            )
        )

    def _files(self, rows: Rows, e) -> None:
        for attachment in e.attachments:
            storage_key = str(attachment.get("storage_key") or "")
            key = f"{e.interaction_id}/{storage_key}"
            if not storage_key or rows.get(AttachmentRef, key) is not None:
                continue
            rows.add(
                AttachmentRef(
                    key=key,
                    storage_key=storage_key,
                    interaction_id=e.interaction_id,
                    name=str(attachment.get("name", ""))[:255],
                    content_type=str(attachment.get("content_type", ""))[:150],
                    size=int(attachment.get("size") or 0),
                )
            )

    def on_MessageReceived(self, e: ev.MessageReceived, r: RecordedEvent, rows: Rows):
        if e.channel == "email":
            header = str(e.channel_data.get("message_id") or "")
            self._add(rows, ref_key(e.external_id), e, r, "inbound", e.sender, header)
        self._files(rows, e)

    def on_MessageSent(self, e: ev.MessageSent, r: RecordedEvent, rows: Rows):
        if e.channel == "email":
            self._add(rows, e.message_id, e, r, "outbound", "")
        self._files(rows, e)
