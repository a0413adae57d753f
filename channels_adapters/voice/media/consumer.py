"""/ws/media/twilio/: Twilio Media Streams. The upgrade must carry a valid X-Twilio-Signature
(of the stream's URL, by a voice channel's auth token), and the start message a token for its
call (`tokens`); otherwise the socket is closed with the reason and nothing is stored. The
caller's audio joins the call's room; the room's mix for the caller goes back as media
messages. Malformed or out-of-order messages end the leg, and the call goes back in line."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from twilio.request_validator import RequestValidator

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice.media import codec, legs, protocol, room_controls, stack, tokens
from channels_adapters.voice.media.mixing import CUSTOMER
from channels_adapters.voice.media.recording import Recorder
from channels_adapters.voice.media.room import ROOMS, Leg, room
from contactcenter import groups
from contactcenter.events.context import acting_as

log = logging.getLogger(__name__)

REFUSED = 4403  # close codes: the stream is not ours / not Twilio's
BROKEN = 4400  # malformed or out-of-order messages


@database_sync_to_async
def signed_by_twilio(signature: str) -> bool:
    if not signature:
        return False
    for channel in TwilioChannel.objects.filter(voice_enabled=True):
        if RequestValidator(channel.auth_token).validate(
            tokens.stream_url(channel.base_url), {}, signature
        ):
            return True
    return False


def _actor(handler):
    def run(*args):
        with acting_as("provider:twilio"):
            return handler(*args)

    return database_sync_to_async(run)


class TwilioMediaConsumer(AsyncWebsocketConsumer):
    async def dispatch(self, message: dict) -> None:
        """Channels closes the database thread's stale connections before every handler, a hop
        to that thread and back; a media message (50 a second a call) touches no database, and
        the handlers that do (`_actor`) close stale connections in the database thread anyway."""
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def connect(self) -> None:
        self.reader = protocol.Reader()
        self.mulaw = codec.Mulaw()
        self.leg: Leg | None = None
        self.interaction_id = ""
        headers = dict(self.scope.get("headers", []))
        signature = headers.get(b"x-twilio-signature", b"").decode("latin-1")
        await self.accept()  # accepted first, so the refusal can say why
        if not await signed_by_twilio(signature):
            reason = "bad X-Twilio-Signature" if signature else "missing X-Twilio-Signature"
            await self.refuse(REFUSED, reason)

    async def refuse(self, code: int, reason: str) -> None:
        log.warning("media stream refused: %s", reason)
        self.reader.stopped = True
        await self.close(code=code, reason=reason)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.reader.stopped:
            return
        try:
            message = self.reader.read(text_data if text_data is not None else "")
        except protocol.ProtocolError as error:
            await self.end(str(error))
            await self.close(code=BROKEN, reason=str(error)[:120])
            return
        if isinstance(message, protocol.Start):
            await self.started(message)
        elif isinstance(message, protocol.Media) and self.leg is not None:
            pcm = self.mulaw.decode(message.payload)
            for at in range(0, len(pcm), codec.FRAME_SAMPLES):
                self.leg.put(pcm[at : at + codec.FRAME_SAMPLES])
        elif isinstance(message, protocol.Stop):
            await self.end("stop")
            await self.close()

    async def started(self, start: protocol.Start) -> None:
        try:
            self.interaction_id = tokens.check(
                start.custom_parameters.get("token", ""), start.call_sid
            )
        except tokens.BadToken as error:
            await self.refuse(REFUSED, str(error))
            return
        await stack.loaded()  # before the first frame is decoded: off the loop, once
        self.leg = Leg(start.stream_sid, CUSTOMER, self.deliver)
        self.recorder = Recorder(self.interaction_id, start.call_sid, start.stream_sid)
        recorded, announcement = await _actor(legs.recording_policy)(self.interaction_id)
        call_room = room(self.interaction_id)
        if recorded:
            call_room.taps.append(self.recorder.tap)
        if announcement is not None:
            call_room.play_to(CUSTOMER, announcement)
        call_room.add(self.leg)
        await self.channel_layer.group_add(
            groups.call_media(self.interaction_id), self.channel_name
        )
        await _actor(legs.stream_started)(start.call_sid, self.interaction_id, start.stream_sid)

    async def deliver(self, pcm) -> None:
        await self.send(protocol.media(self.reader.start.stream_sid, self.mulaw.encode(pcm)))

    async def end(self, reason: str) -> None:
        """The caller's leg is over: out of the room, and into the log (once)."""
        self.reader.stopped = True
        if self.leg is None:
            log.warning("media stream ended before it started: %s", reason)
            return
        leg, self.leg = self.leg, None
        if (call_room := ROOMS.get(self.interaction_id)) is not None:
            call_room.remove(leg.leg_id, reason)
            if self.recorder.tap in call_room.taps:
                call_room.taps.remove(self.recorder.tap)
        await self.channel_layer.group_discard(
            groups.call_media(self.interaction_id), self.channel_name
        )
        start = self.reader.start
        await _actor(legs.recording_saved)(self.recorder)
        await _actor(legs.stream_ended)(
            start.call_sid, self.interaction_id, start.stream_sid, reason
        )

    async def disconnect(self, code) -> None:
        if self.leg is not None:
            await self.end(f"the WebSocket closed ({code})")

    async def media_control(self, message: dict) -> None:
        """A call control for this call's room (controls.py sends it to the call's group)."""
        if (call_room := ROOMS.get(self.interaction_id)) is not None:
            room_controls.carry_out(call_room, self.recorder, message)
