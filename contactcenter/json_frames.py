"""Frames in from our WebSockets: JSON text, decoded strictly (contactcenter/strict_json.py).

Channels' JSON consumer raises on a binary frame and hands `json.loads` whatever text came,
so one bad frame (bytes, `NaN`, `1e999`, nesting ten thousand deep) crashed the consumer and
dropped the socket. Here every such frame is answered with the socket's own error frame and
the socket stays open for the next one.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from contactcenter.strict_json import INT_RANGE, MalformedJson, loads


def frame_id(value) -> int:
    """An id a frame names: a whole number a database column can hold, else ValueError
    (a string of twenty nines is a whole number, and overflowed the column it was stored in)."""
    number = int(value)
    if number not in INT_RANGE:
        raise ValueError(f"{str(value)[:24]} is out of range for an id")
    return number


class JsonFramesConsumer(AsyncJsonWebsocketConsumer):
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
        await self.receive_json(content, **kwargs)

    async def malformed(self, reason: str) -> None:
        """Answer a frame that could not be read (each socket has its own error frame)."""
        raise NotImplementedError
