"""Messenger Platform and Instagram Messaging webhooks as Meta documents them
(developers.facebook.com → Messenger Platform → Webhooks: messages, message_echoes,
messaging_postbacks, message_deliveries, message_reads), signed as Meta signs them."""

import itertools
import json

from channels_adapters.meta.signature import sign

PAGE = "200000000000002"
IG_ACCOUNT = "17841400000000001"
SECRET = "test-meta-app-secret"
VERIFY = "test-verify-token"
PSID = "6985513821550385"
_ids = itertools.count(1)


def mid() -> str:
    return f"m_1457764197618:41d102a3e1ae206a38{next(_ids):04d}"


def envelope(*events, page=PAGE, object="page") -> dict:
    return {
        "object": object,
        "entry": [{"id": page, "time": 1458692752478, "messaging": list(events)}],
    }


def message(text: str, *, sender=PSID, page=PAGE, quick_reply: str = "", id=None) -> dict:
    body = {"mid": id or mid(), "text": text}
    if quick_reply:
        body["quick_reply"] = {"payload": quick_reply}
    return {
        "sender": {"id": sender},
        "recipient": {"id": page},
        "timestamp": 1458692752478,
        "message": body,
    }


def image(url="https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg", *, sender=PSID) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE},
        "timestamp": 1458692752478,
        "message": {"mid": mid(), "attachments": [{"type": "image", "payload": {"url": url}}]},
    }


def echo(text: str, *, customer=PSID) -> dict:
    """What the page itself sent (our replies come back like this too)."""
    return {
        "sender": {"id": PAGE},
        "recipient": {"id": customer},
        "timestamp": 1458692752478,
        "message": {
            "is_echo": True,
            "app_id": 1517776481860111,
            "metadata": "",
            "mid": mid(),
            "text": text,
        },
    }


def delivery(*mids: str, customer=PSID) -> dict:
    return {
        "sender": {"id": customer},
        "recipient": {"id": PAGE},
        "delivery": {"mids": list(mids), "watermark": 1458668856253},
    }


def read(watermark: int, *, customer=PSID) -> dict:
    return {
        "sender": {"id": customer},
        "recipient": {"id": PAGE},
        "timestamp": 1458668856463,
        "read": {"watermark": watermark},
    }


def post(client, payload, *, secret=SECRET, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        "/hooks/messenger/",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sign(secret, body)} if secret else {},
    )
