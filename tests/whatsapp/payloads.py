"""Cloud API webhooks as Meta documents them (developers.facebook.com, WhatsApp Business
Platform → Webhooks → messages): the envelope, incoming text, media, interactive replies and
outgoing-message statuses, signed as Meta signs them."""

import itertools
import json

from channels_adapters.meta.signature import sign

PNID = "106540352242922"
SECRET = "test-meta-app-secret"
VERIFY = "test-verify-token"
CUSTOMER = "16505551234"
_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA{next(_ids):04d}="


def envelope(*, messages=(), statuses=(), name="Sheena Nelson", wa_id=CUSTOMER, pnid=PNID):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": pnid},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def text(body: str, *, sender=CUSTOMER, id=None) -> dict:
    return {
        "from": sender,
        "id": id or wamid(),
        "timestamp": "1749416383",
        "type": "text",
        "text": {"body": body},
    }


def image(*, caption="The broken part", media_id="1003383421387256", sender=CUSTOMER) -> dict:
    return {
        "from": sender,
        "id": wamid(),
        "timestamp": "1744344496",
        "type": "image",
        "image": {
            "caption": caption,
            "mime_type": "image/jpeg",
            "sha256": "SfInY0gRS4bKvyMcUhCtuxoGRb8jXs4P2GOJOjTJ7bY=",
            "id": media_id,
        },
    }


def button_reply(option_id: str, title: str, *, replying_to="", sender=CUSTOMER) -> dict:
    return {
        "context": {"from": "15550783881", "id": replying_to or wamid()},
        "from": sender,
        "id": wamid(),
        "timestamp": "1750025136",
        "type": "interactive",
        "interactive": {
            "type": "button_reply",
            "button_reply": {"id": option_id, "title": title},
        },
    }


def status(external_id: str, state: str, *, recipient=CUSTOMER, error=None) -> dict:
    item = {
        "id": external_id,
        "status": state,
        "timestamp": "1750263773",
        "recipient_id": recipient,
    }
    if state != "failed":
        item["conversation"] = {
            "id": "6ceb9d929c0e2a4e5b1e1e9c1c1a1f1b",
            "origin": {"type": "service"},
        }
        item["pricing"] = {"billable": False, "pricing_model": "PMP", "category": "service"}
    if error:
        item["errors"] = [error]
    return item


RE_ENGAGEMENT = {
    "code": 131047,
    "title": "Re-engagement message",
    "message": "Re-engagement message",
    "error_data": {
        "details": "Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number."
    },
    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
}


def post(client, payload, *, secret=SECRET, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        "/hooks/whatsapp/",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sign(secret, body)} if secret else {},
    )
