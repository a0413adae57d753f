"""What a Slack event means for us, decided without I/O: a customer's message, an edit, a
deletion, or something to ignore (and why). Payload shapes are the Events API's own."""

import html
import re
from dataclasses import dataclass, field
from typing import Any

from contactcenter.interactions.ingest import Attachment

# Subtypes that are a person writing; every other subtype is housekeeping (joins, topics…).
WRITTEN = {None, "file_share", "thread_broadcast", "me_message"}


@dataclass(frozen=True)
class Ignored:
    reason: str


@dataclass(frozen=True)
class Written:
    """A customer wrote a message (or shared files)."""

    team: str  # the workspace the event came through (the envelope's team)
    channel: str
    channel_type: str  # im, channel, group, mpim
    user: str
    user_team: str  # the author's own workspace (differs in Slack Connect channels)
    ts: str
    thread_ts: str  # the thread it belongs to: its parent's ts, or its own when top-level
    text: str
    sender_name: str = ""
    attachments: tuple[Attachment, ...] = ()
    files: tuple[dict[str, Any], ...] = ()

    @property
    def is_reply(self) -> bool:
        return self.thread_ts != self.ts

    @property
    def sender_address(self) -> str:
        return f"{self.user_team}:{self.user}"

    @property
    def external_id(self) -> str:
        return message_id(self.channel, self.ts)

    @property
    def threading_key(self) -> str:
        return thread_key(self.team, self.channel, self.thread_ts)


@dataclass(frozen=True)
class Edited:
    external_id: str
    text: str
    edited_at: str


@dataclass(frozen=True)
class Deleted:
    external_id: str
    deleted_at: str


@dataclass(frozen=True)
class Envelope:
    """The parts of an event_callback every decision needs."""

    team: str
    event_id: str
    event: dict[str, Any] = field(default_factory=dict)
    bot_users: frozenset[str] = frozenset()  # the app's bot user(s), from `authorizations`


def message_id(channel: str, ts: str) -> str:
    """Slack's identity of a message: a ts is unique within its channel."""
    return f"{channel}/{ts}"


def thread_key(team: str, channel: str, thread_ts: str) -> str:
    return f"{team}:{channel}:{thread_ts}"


def parse_thread_key(key: str) -> tuple[str, str, str]:
    team, _, rest = key.partition(":")
    channel, _, thread_ts = rest.partition(":")
    return team, channel, thread_ts


def envelope(body: dict[str, Any]) -> Envelope:
    event = body.get("event")
    authorizations = body.get("authorizations")
    bots = frozenset(
        str(a.get("user_id"))
        for a in (authorizations if isinstance(authorizations, list) else [])
        if isinstance(a, dict) and a.get("is_bot") and a.get("user_id")
    )
    return Envelope(
        team=str(body.get("team_id") or ""),
        event_id=str(body.get("event_id") or ""),
        event=event if isinstance(event, dict) else {},
        bot_users=bots,
    )


def decide(
    env: Envelope, *, bot_users: frozenset[str] = frozenset()
) -> Ignored | Written | Edited | Deleted:
    event = env.event
    bot_users = bot_users | env.bot_users
    kind, subtype = event.get("type"), event.get("subtype")
    if kind not in {"message", "app_mention"}:
        return Ignored(f"event type {kind!r} is not handled")
    if subtype == "message_changed":
        return _edited(event, bot_users)
    if subtype == "message_deleted":
        return _deleted(event, bot_users)
    if subtype not in WRITTEN:
        return Ignored(f"message subtype {subtype!r} is housekeeping")
    if _by_a_bot(event, bot_users):
        return Ignored("written by a bot (ours or another): never answered, so no loops")
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (user and channel and ts):
        return Ignored("a message without user, channel or ts")
    team = env.team or str(event.get("team") or "")
    return Written(
        team=team,
        channel=channel,
        channel_type=str(event.get("channel_type") or ("channel" if kind == "app_mention" else "")),
        user=user,
        user_team=str(event.get("user_team") or event.get("team") or team),
        ts=ts,
        thread_ts=str(event.get("thread_ts") or ts),
        text=plain_text(str(event.get("text") or ""), bot_users),
        sender_name=_name(event.get("user_profile")),
        attachments=tuple(_attachment(f) for f in _files(event)),
        files=tuple(_file_record(f) for f in _files(event)),
    )


def _by_a_bot(event: dict[str, Any], bot_users: frozenset[str]) -> bool:
    return bool(
        event.get("bot_id")
        or event.get("subtype") == "bot_message"
        or event.get("user") in bot_users
    )


def _edited(event: dict[str, Any], bot_users: frozenset[str]) -> Ignored | Edited:
    message = event.get("message") or {}
    if _by_a_bot(message, bot_users):
        return Ignored("a bot's message changed")
    if not (event.get("channel") and message.get("ts")):
        return Ignored("a change without channel or ts")
    edited = message.get("edited") or {}
    return Edited(
        external_id=message_id(event["channel"], message["ts"]),
        text=plain_text(str(message.get("text") or ""), bot_users),
        edited_at=_iso(edited.get("ts") or event.get("event_ts") or ""),
    )


def _deleted(event: dict[str, Any], bot_users: frozenset[str]) -> Ignored | Deleted:
    previous = event.get("previous_message") or {}
    if _by_a_bot(previous, bot_users):
        return Ignored("a bot's message was deleted")
    if not (event.get("channel") and event.get("deleted_ts")):
        return Ignored("a deletion without channel or deleted_ts")
    return Deleted(
        external_id=message_id(event["channel"], event["deleted_ts"]),
        deleted_at=_iso(event.get("event_ts") or event.get("ts") or ""),
    )


def _files(event: dict[str, Any]) -> list[dict[str, Any]]:
    files = event.get("files")
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []


def _attachment(file: dict[str, Any]) -> Attachment:
    return Attachment(
        name=str(file.get("name") or file.get("title") or file.get("id") or "file"),
        content_type=str(file.get("mimetype") or "application/octet-stream"),
        size=int(file.get("size") or 0),
        url=str(file.get("url_private") or ""),
    )


def _file_record(file: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "title", "mimetype", "filetype", "size", "url_private", "permalink")
    return {k: file[k] for k in keys if k in file}


def _name(profile: Any) -> str:
    if not isinstance(profile, dict):
        return ""
    return str(profile.get("display_name") or profile.get("real_name") or profile.get("name") or "")


def _iso(ts: str) -> str:
    from datetime import UTC, datetime

    try:
        return datetime.fromtimestamp(float(ts), UTC).isoformat()
    except (TypeError, ValueError):
        return ""


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def plain_text(text: str, bot_users: frozenset[str] = frozenset()) -> str:
    """Slack's mrkdwn wire text as a person reads it: links and mentions spelled out, our own
    bot's mention dropped, &amp; &lt; &gt; unescaped."""

    def spell(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "" if target[1:] in bot_users else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{label or target[1:].split('^')[0]}"
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_LINK.sub(spell, text)).strip()
