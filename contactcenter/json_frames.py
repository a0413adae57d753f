"""Frames in from our WebSockets: JSON text, decoded strictly (contactcenter/strict_json.py).

Channels' JSON consumer raises on a binary frame and hands `json.loads` whatever text came,
so one bad frame (bytes, `NaN`, `1e999`, nesting ten thousand deep) crashed the consumer and
dropped the socket. Here every such frame is answered with the socket's own error frame and
the socket stays open for the next one.
"""

import asyncio
import contextlib
import functools
import logging

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from contactcenter.outage import RETRY_AFTER_SECONDS, is_transient
from contactcenter.strict_json import INT_RANGE, MalformedJson, loads

log = logging.getLogger(__name__)


async def in_turn(sources, dispatch) -> None:
    """Dispatch what each of `sources` (coroutine functions, each giving the next message)
    brings, one message at a time, in the order they came; a source that fails ends it with
    its error. Each source is read by a task of its own for as long as this runs: Channels'
    `await_many_dispatch` makes a task for each message and waits on all sources with
    `asyncio.wait` each time, 2.6 % of the servers' samples at 20 chats/s (issue 18).
    A source is read up to its `websocket.disconnect` and no further: nothing follows it
    (ASGI), and a server may answer each later read with the disconnect again, at once."""
    inbox: asyncio.Queue = asyncio.Queue()

    async def read(source) -> None:
        try:
            while True:
                message = await source()
                inbox.put_nowait((message, None))
                if message.get("type") == "websocket.disconnect":
                    return
        except Exception as error:
            inbox.put_nowait((None, error))

    readers = [asyncio.ensure_future(read(source)) for source in sources]
    try:
        while True:
            message, error = await inbox.get()
            if error is not None:
                raise error
            await dispatch(message)
    finally:
        # As Channels' does: a channel layer's receive cancelled is its channel let go.
        for reader in readers:
            reader.cancel()
        for reader in readers:
            with contextlib.suppress(asyncio.CancelledError):
                await reader


def frame_id(value) -> int:
    """An id a frame names: a whole number a database column can hold, else ValueError
    (a string of twenty nines is a whole number, and overflowed the column it was stored in)."""
    number = int(value)
    if number not in INT_RANGE:
        raise ValueError(f"{str(value)[:24]} is out of range for an id")
    return number


class JsonFramesConsumer(AsyncJsonWebsocketConsumer):
    async def __call__(self, scope, receive, send) -> None:
        """Channels' own start (the channel layer's channel for this socket, the send), then
        its messages, from the client and the channel layer, each handled in turn
        (`in_turn`)."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            sources.append(functools.partial(self.channel_layer.receive, self.channel_name))
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await in_turn(sources, self.dispatch)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if text_data is None:
            await self.malformed("frames are JSON text; a binary frame is not read")
            return
        limit = settings.WEBSOCKET_FRAME_MAX_CHARS
        if len(text_data) > limit:
            await self.malformed(f"a frame may be at most {limit} characters long")
            return
        try:
            content = loads(text_data)
        except MalformedJson as error:
            await self.malformed(str(error))
            return
        try:
            await self.receive_json(content, **kwargs)
        except Exception as error:
            await self.failed(error, content)

    async def malformed(self, reason: str) -> None:
        """Answer a frame that could not be read (each socket has its own error frame)."""
        raise NotImplementedError

    async def answer_error(self, code: str, reason: str, content, **extra) -> None:
        """Answer the frame `content` with an error of this socket's kind."""
        raise NotImplementedError

    async def failed(self, error: Exception, content) -> None:
        """A frame our side could not carry out: the socket answers it and stays open. An
        outage (the database, Redis) is `unavailable`, to try again shortly; anything else is
        a bug of ours, logged with its traceback, and `internal` to the client."""
        kind = content.get("type") if isinstance(content, dict) else None
        if is_transient(error):
            log.warning("%s: %r frame: unavailable: %s", type(self).__name__, kind, error)
            await self.answer_error(
                "unavailable",
                "the service is briefly unavailable; try again in a few seconds",
                content,
                retry_after=RETRY_AFTER_SECONDS,
            )
        else:
            log.exception("%s: a %r frame failed", type(self).__name__, kind)
            await self.answer_error(
                "internal", "that failed on our side (it is logged); try again", content
            )

    async def dispatch(self, message) -> None:
        """Whatever fails outside a frame's handling — connecting while Redis is away, a push
        the socket could not follow — costs at most this socket's connection, never the
        server's log a traceback for an outage."""
        try:
            await self._handle(message)
        except StopConsumer:
            raise
        except Disconnected:
            # The client left while a push was on its way (Daphne refuses the send): its
            # disconnect follows, and there is nobody left to tell.
            log.debug("%s: %s to a closed socket", type(self).__name__, message.get("type", ""))
        except Exception as error:
            kind = message.get("type", "")
            transient = is_transient(error)
            (log.warning if transient else log.exception)(
                "%s: %s failed: %s", type(self).__name__, kind, error
            )
            if kind == "websocket.disconnect":
                raise StopConsumer() from None
            if kind == "websocket.connect":
                # 1013: try again later (RFC 6455); the pages reconnect with backoff.
                with contextlib.suppress(Exception):
                    await self.close(code=1013 if transient else 1011)

    async def _handle(self, message) -> None:
        """Channels' own dispatch, less the hop to a thread it makes before every message
        (`aclose_old_connections`) to close that thread's old database connections: on a
        server a push to a hundred consoles cost a hundred such hops, ~11 % of the server's
        CPU for an accepted chat (issue 18). Our consumers reach the database only through
        `database_sync_to_async` (contactcenter/db_threads.py), which closes old connections
        around each call in the thread that makes it, and the one thread Channels would tidy
        is tidied by every HTTP request's own signals."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message) -> None:
        """Channels' own, less the same hop to a thread at its end: a tenth of a visitor's
        leaving (issue 18)."""
        for group in self.groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.disconnect(message["code"])
        raise StopConsumer()
