"""Builders for what tests feed the platform: inbound messages, customers, interactions."""

import itertools
import uuid

from contactcenter.interactions.ingest import InboundMessage, IngestResult, ingest

_counter = itertools.count(1)


def chat_message(
    visitor: str | None = None, text: str = "Hello, I need help", **overrides
) -> InboundMessage:
    visitor = visitor or f"visitor-{uuid.uuid4().hex[:8]}"
    fields = {
        "channel": "webchat",
        "channel_key": "demo",
        "sender_kind": "web",
        "sender_address": visitor,
        "sender_name": "Vera Visitor",
        "threading_key": visitor,
        "external_id": f"chat-{next(_counter)}-{uuid.uuid4().hex[:6]}",
        "text": text,
    }
    return InboundMessage(**{**fields, **overrides})


def email_message(sender: str = "Carla <carla@example.org>", **overrides) -> InboundMessage:
    fields = {
        "channel": "email",
        "channel_key": "support@example.com",
        "sender_kind": "email",
        "sender_address": sender,
        "subject": "My order has not arrived",
        "text": "Order 1234 is late.",
        "external_id": f"<{uuid.uuid4().hex}@mail.example.org>",
        "threading_key": f"<{uuid.uuid4().hex}@mail.example.org>",
    }
    return InboundMessage(**{**fields, **overrides})


def new_chat(**overrides) -> IngestResult:
    return ingest(chat_message(**overrides))
