"""`/ws/webchat/`: the widget visitor's socket. Thin: it authenticates the signed visitor
token, joins the visitor's group, and turns frames into the commands in visitor.py.
Frames are documented in docs/websocket-protocol.md."""

import asyncio
import logging
import time
from collections import defaultdict, deque
from urllib.parse import parse_qs

from django.conf import settings

from channels_adapters.webchat import tokens, transcripts
from channels_adapters.webchat import visitor as visitors
from contactcenter import groups, push
from contactcenter.db_threads import in_thread as database_sync_to_async
from contactcenter.interactions.domain import DomainError
from contactcenter.json_frames import JsonFramesConsumer, frame_id
from contactcenter.sliding_windows import allow as _allow

log = logging.getLogger(__name__)

TYPING_EVERY_SECONDS = 2.0
_per_ip: dict[str, deque] = defaultdict(deque)  # this process's view; per-visitor is exact
_transcripts_per_ip: dict[str, deque] = defaultdict(deque)  # idem; per-conversation is exact
_open_sockets: dict[str, int] = defaultdict(int)
# Pushed frames after which the conversation waits for an agent again, or no longer does: a
# place in line is passed on only while it waits (a push about the line may cross the one
# that says an agent joined).
WAITS_AGAIN = {"state", "transferred"}
WAITS_NO_MORE = {"agent_joined", "closed"}


class VisitorConsumer(JsonFramesConsumer):
    group: str | None = None  # the visitor's, while this socket is subscribed to it

    async def connect(self) -> None:
        push.bind_server_loop(asyncio.get_running_loop())
        query = parse_qs(self.scope.get("query_string", b"").decode())
        await self.accept()
        given = (query.get("token") or [""])[0]
        renewed, new = None, False
        if channel_key := (query.get("channel") or [""])[0]:
            # The widget's way: the socket is its session too. It renews the token it has,
            # or makes a new visitor, and the welcome hands the token over, where a POST to
            # /widget/session/ before every connect used to (one request fewer a visit).
            renewed, visitor, new = tokens.renewed(channel_key, given)
        else:
            try:
                visitor = tokens.verify(given)
            except tokens.BadToken as error:
                await self.refuse(str(error))
                return
        # Subscribed and counted open before the welcome is read: no push falls between the
        # two, and another tab of theirs closing meanwhile does not count them gone.
        self.group = groups.visitor(visitor.channel_key, visitor.visitor_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        _open_sockets[self.group] += 1
        opened = await database_sync_to_async(visitors.opened)(visitor, new=new)
        if opened is None:
            await self.let_go()
            gone = "the web chat channel no longer exists"
            await self.refuse(f"no web chat channel {channel_key!r}" if channel_key else gone)
            return
        self.visitor, (self.chat, welcome) = visitor, opened
        if renewed is not None:
            welcome = {**welcome, "token": renewed}
        # A visitor made as the socket opened gave no name before: nothing to look up, unless
        # another tab of theirs starts the conversation first (push_frames).
        self.profile = visitors.Profile(known_name="" if new else None)
        self.spoke = False
        self.sent: deque = deque()
        self.last_typing = 0.0
        self.ip = (self.scope.get("client") or ["?"])[0]
        await self.welcome(welcome)

    async def refuse(self, reason: str) -> None:
        await self.send_json({"type": "error", "code": "unauthorized", "reason": reason})
        await self.close(code=4401)

    async def disconnect(self, code: int) -> None:
        # `chat` is missing where the opening failed (the database away): nobody arrived.
        if self.group and await self.let_go() and hasattr(self, "chat"):
            await database_sync_to_async(visitors.left)(self.visitor, self.chat.grace_seconds)

    async def let_go(self) -> bool:
        """Unsubscribe this socket and count it closed, once: whether it was the visitor's
        last open one."""
        group, self.group = self.group, None
        await self.channel_layer.group_discard(group, self.channel_name)
        _open_sockets[group] -= 1
        if _open_sockets[group] > 0:
            return False
        del _open_sockets[group]
        return True

    async def welcome(self, welcome: dict) -> None:
        """Send the welcome frame, and keep what it says of the conversation."""
        self.conversation = welcome["conversation"]
        self.waiting = (self.conversation or {}).get("state") in visitors.WAITING
        self.place = (self.conversation or {}).get("queue")
        await self.send_json(welcome)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        if handler is None or not kind.isidentifier():
            await self.error("unknown_type", f"unknown frame type {kind!r}")
            return
        try:
            await handler(content)
        except DomainError as error:
            await self.error("refused", str(error), ref=content.get("client_message_id"))
        except (KeyError, TypeError, ValueError) as error:
            await self.error("bad_frame", f"malformed {kind} frame: {error}")

    async def malformed(self, reason: str) -> None:
        await self.error("bad_frame", reason)

    async def answer_error(self, code: str, reason: str, content, **extra) -> None:
        ref = content.get("client_message_id") if isinstance(content, dict) else None
        await self.error(code, reason, ref=ref, **extra)

    async def error(self, code: str, reason: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "reason": reason, **extra})

    # -- frames from the widget --------------------------------------------------------------

    async def on_hello(self, content) -> None:
        await self.welcome(await database_sync_to_async(visitors.welcome)(self.visitor))

    on_resync = on_hello

    async def on_start(self, content) -> None:
        """The pre-chat form: name, e-mail, topic. Kept until the first message."""
        self.profile = visitors.Profile(
            name=str(content.get("name", ""))[:100].strip(),
            email=str(content.get("email", ""))[:254].strip(),
            topic_id=frame_id(content["topic"]) if content.get("topic") not in (None, "") else None,
        )
        await self.send_json({"type": "started"})

    async def on_message(self, content) -> None:
        if await self.rate_limited(content.get("client_message_id")):
            return
        self.spoke = True
        result = await database_sync_to_async(visitors.send_message)(
            self.visitor,
            str(content.get("text", "")),
            str(content["client_message_id"]),
            self.profile,
        )
        await self.send_json(
            {
                "type": "ack",
                "client_message_id": content["client_message_id"],
                "message_id": result.message_id,
                "interaction_id": result.interaction_id,
                "duplicate": result.duplicate,
            }
        )

    async def on_choose(self, content) -> None:
        """A click on a menu option a flow offered."""
        if await self.rate_limited(content.get("client_message_id")):
            return
        self.spoke = True
        result = await database_sync_to_async(visitors.send_message)(
            self.visitor,
            str(content["label"]),
            str(content["client_message_id"]),
            self.profile,
            {"flow_choice": str(content["value"])},
        )
        await self.send_json(
            {
                "type": "ack",
                "client_message_id": content["client_message_id"],
                "message_id": result.message_id,
                "interaction_id": result.interaction_id,
                "duplicate": result.duplicate,
            }
        )

    async def on_typing(self, content) -> None:
        now = time.monotonic()
        interaction = (self.conversation or {}).get("interaction_id")
        if interaction is None or now - self.last_typing < TYPING_EVERY_SECONDS:
            return
        self.last_typing = now
        await self.channel_layer.group_send(
            groups.interaction(interaction),
            {
                "type": "push.frames",
                "frames": [{"type": "typing", "who": "customer", "interaction_id": interaction}],
            },
        )

    async def on_rate(self, content) -> None:
        await database_sync_to_async(visitors.rate)(
            self.visitor, int(content["rating"]), str(content.get("comment", ""))
        )

    async def on_transcript(self, content) -> None:
        limit = settings.WEBCHAT_TRANSCRIPTS_PER_IP_PER_HOUR
        wait = _allow(_transcripts_per_ip[self.ip], limit, time.monotonic(), seconds=3600)
        if wait:
            await self.error("rate_limited", "too many e-mails asked for", retry_after=wait)
            return
        outcome = await database_sync_to_async(transcripts.request)(
            self.visitor, str(content.get("email", ""))
        )
        if outcome.sent:
            await self.send_json({"type": "transcript_sent", "to": outcome.to})
        else:
            await self.send_json({"type": "transcript_confirmation", "to": outcome.to})

    async def rate_limited(self, ref) -> bool:
        now = time.monotonic()
        wait = _allow(self.sent, self.chat.messages_per_minute, now) or _allow(
            _per_ip[self.ip], settings.WEBCHAT_MESSAGES_PER_IP_PER_MINUTE, now
        )
        if wait:
            await self.error(
                "rate_limited", "too many messages; slow down a little", retry_after=wait, ref=ref
            )
        return bool(wait)

    # -- pushes -----------------------------------------------------------------------------

    async def push_frames(self, message) -> None:
        for frame in message["frames"]:
            if frame.get("type") == "typing" and frame.get("who") == "customer":
                continue  # our own typing, echoed back through the interaction group
            if "interaction_id" in frame and frame["type"] in (
                "message",
                "agent_joined",
                "closed",
                "state",
            ):
                if self.conversation is None and not self.spoke:
                    self.profile.known_name = None  # begun in another tab: with a name?
                self.conversation = self.conversation or {"interaction_id": frame["interaction_id"]}
            if frame.get("type") in WAITS_AGAIN:
                self.waiting = True
            elif frame.get("type") in WAITS_NO_MORE:
                self.waiting, self.place = False, None
            if frame.get("type") == "queue_position":
                place = {key: value for key, value in frame.items() if key != "type"}
                if not self.waiting or place == self.place:
                    continue  # not waiting any more, or told already
                self.place = place
            await self.send_json(frame)
