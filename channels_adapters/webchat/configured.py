"""The web chat channels as admin configured them, each with its pre-chat topics, kept by each
process beside the routing configuration's snapshot (routing/config.py).

Every visitor's token asks for their channel, and every socket's opening for the channel and
its topics: three reads of rows that change a few times a year, two in ten of a visitor's
statements before the first message (issue 18). A channel or topic saved or deleted through
the ORM bumps the configuration's generation (apps.py), as a queue's change does, so what is
kept here is read again wherever the snapshot is: at once in the process that saved it,
within config.TTL_SECONDS elsewhere, and within config.MAX_AGE_SECONDS for a change made
behind the ORM's back.

What is kept is shared by the process's threads: read it, never change it. A key with no
channel is not kept (it is an error's path, and a token request may name any key)."""

import threading
from dataclasses import dataclass

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from contactcenter.events import row_statements
from routing import config


@dataclass(frozen=True)
class Topic:
    id: int
    label: str
    queue_id: int


@dataclass(frozen=True)
class Configured:
    channel: WebChatChannel
    topics: tuple[Topic, ...]  # in the order the widget lists them

    def topic(self, topic_id: int) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


_lock = threading.Lock()
_kept: dict[str, Configured] = {}
_kept_with: config.Snapshot | None = None  # the snapshot what is kept was read beside


def configured(key: str) -> Configured | None:
    """The channel `key` names and its topics, as configured; None if there is none."""
    global _kept_with
    snapshot = config.current()
    with _lock:
        if _kept_with is not snapshot:
            _kept.clear()
            _kept_with = snapshot
        found = _kept.get(key)
    if found is not None:
        return found
    found = _read(key)
    if found is not None:
        with _lock:
            if _kept_with is snapshot:  # not read across a change another thread saw
                _kept[key] = found
    return found


def _read(key: str) -> Configured | None:
    rows = row_statements.where(WebChatChannel, key=key, order_by=("pk",), limit=1)
    if not rows:
        return None
    topics = row_statements.where(
        WebChatTopic,
        names=("id", "label", "queue_id"),
        channel_id=rows[0].pk,
        order_by=tuple(WebChatTopic._meta.ordering),
    )
    return Configured(rows[0], tuple(Topic(*topic) for topic in topics))
