"""Slack's requests as Slack sends them: Events API envelopes and interactivity payloads with
the real field shapes, signed the way Slack signs them (v0 HMAC-SHA256 over the raw body)."""

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from contactcenter import clock

SECRET = "test-signing-secret"
TEAM = "T0CUSTOMR"
BOT = "U0OURBOT"
APP = "A0OURAPP"
_seq = itertools.count(1)


def next_ts() -> str:
    return f"{int(time.time())}.{next(_seq):06d}"


def envelope(event: dict[str, Any], *, team: str = TEAM, event_id: str | None = None) -> dict:
    return {
        "token": "verification-token-unused",
        "team_id": team,
        "api_app_id": APP,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_seq):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": BOT,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMCJ9",
    }


def message(
    text: str = "Hello, my invoice is wrong",
    *,
    user: str = "U0CAROL",
    channel: str = "D0CAROL",
    channel_type: str = "im",
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM,
    **extra: Any,
) -> dict[str, Any]:
    ts = ts or next_ts()
    event = {
        "client_msg_id": f"5e0e0b9c-{next(_seq):04d}-4f3b-9d6a-1f6c0e7a5d11",
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "Bq3",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "team": team,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event |= {"thread_ts": thread_ts, "parent_user_id": user}
    return event | extra


def bot_message(text: str = "Build passed", *, channel: str = "C0SHARED") -> dict[str, Any]:
    ts = next_ts()
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": text,
        "ts": ts,
        "username": "ci-bot",
        "bot_id": "B0OTHER",
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }


def our_own_message(text: str, *, channel: str = "D0CAROL", thread_ts: str = "") -> dict:
    ts = next_ts()
    return {
        "bot_id": "B0OURBOT",
        "type": "message",
        "text": text,
        "user": BOT,
        "ts": ts,
        "app_id": APP,
        "team": TEAM,
        "bot_profile": {"id": "B0OURBOT", "app_id": APP, "name": "Support", "team_id": TEAM},
        "thread_ts": thread_ts or ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
    }


def message_changed(original: dict[str, Any], new_text: str) -> dict[str, Any]:
    ts = next_ts()
    changed = {
        k: v for k, v in original.items() if k not in {"channel", "event_ts", "channel_type"}
    }
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": changed | {"text": new_text, "edited": {"user": original["user"], "ts": ts}},
        "previous_message": {k: v for k, v in changed.items()},
        "channel": original["channel"],
        "hidden": True,
        "ts": ts,
        "event_ts": ts,
        "channel_type": original.get("channel_type", "im"),
    }


def message_deleted(original: dict[str, Any]) -> dict[str, Any]:
    ts = next_ts()
    previous = {
        k: v for k, v in original.items() if k not in {"channel", "event_ts", "channel_type"}
    }
    return {
        "type": "message",
        "subtype": "message_deleted",
        "previous_message": previous,
        "channel": original["channel"],
        "hidden": True,
        "deleted_ts": original["ts"],
        "event_ts": ts,
        "ts": ts,
        "channel_type": original.get("channel_type", "im"),
    }


def file_share(
    text: str = "", files_base: str = "https://files.slack.com", **overrides: Any
) -> dict[str, Any]:
    event = message(text, **overrides)
    event |= {
        "subtype": "file_share",
        "upload": False,
        "display_as_bot": False,
        "files": [
            {
                "id": "F0INVOICE",
                "created": 1700000000,
                "timestamp": 1700000000,
                "name": "invoice-2291.pdf",
                "title": "invoice-2291.pdf",
                "mimetype": "application/pdf",
                "filetype": "pdf",
                "pretty_type": "PDF",
                "user": event["user"],
                "user_team": TEAM,
                "editable": False,
                "size": 48213,
                "mode": "hosted",
                "is_external": False,
                "external_type": "",
                "is_public": False,
                "public_url_shared": False,
                "url_private": f"{files_base}/files-pri/T0CUSTOMR-F0INVOICE/invoice-2291.pdf",
                "url_private_download": (
                    f"{files_base}/files-pri/T0CUSTOMR-F0INVOICE/download/invoice-2291.pdf"
                ),
                "permalink": "https://customer.slack.com/files/U0CAROL/F0INVOICE/invoice-2291.pdf",
            }
        ],
    }
    return event


def app_mention(text: str, *, user: str = "U0DAVE", channel: str = "C0SHARED", ts=None) -> dict:
    ts = ts or next_ts()
    return {
        "client_msg_id": f"7f1c2a44-{next(_seq):04d}-4e8e-8a7d-3c1f6d2b9e01",
        "type": "app_mention",
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM,
        "channel": channel,
        "event_ts": ts,
    }


def block_actions(
    value: str,
    label: str,
    *,
    channel: str,
    message_ts: str,
    thread_ts: str,
    user: str = "U0CAROL",
    step: str = "menu",
) -> dict[str, Any]:
    action_ts = next_ts()
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "carol", "name": "carol", "team_id": TEAM},
        "api_app_id": APP,
        "token": "verification-token-unused",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": thread_ts,
        },
        "trigger_id": f"{next(_seq)}.{action_ts}",
        "team": {"id": TEAM, "domain": "customer"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {
            "bot_id": "B0OURBOT",
            "type": "message",
            "text": "What is it about?",
            "user": BOT,
            "ts": message_ts,
            "thread_ts": thread_ts,
            "blocks": [],
        },
        "state": {"values": {}},
        "response_url": "https://hooks.slack.com/actions/T0CUSTOMR/1/abc",
        "actions": [
            {
                "action_id": "flow_choice_0",
                "block_id": f"flow:{step}:0",
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": action_ts,
            }
        ],
    }


def signature_headers(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict:
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(timestamp),
        "HTTP_X_SLACK_SIGNATURE": f"v0={digest}",
    }


def post_event(client, body: dict, *, secret: str = SECRET, timestamp=None, retry: int = 0):
    raw = json.dumps(body).encode()
    headers = signature_headers(raw, secret, timestamp)
    if retry:
        headers |= {
            "HTTP_X_SLACK_RETRY_NUM": str(retry),
            "HTTP_X_SLACK_RETRY_REASON": "http_timeout",
        }
    return client.post("/hooks/slack/events/", raw, content_type="application/json", **headers)


def post_click(client, payload: dict, *, secret: str = SECRET):
    raw = urlencode({"payload": json.dumps(payload)}).encode()
    return client.post(
        "/hooks/slack/interactions/",
        raw,
        content_type="application/x-www-form-urlencoded",
        **signature_headers(raw, secret),
    )
