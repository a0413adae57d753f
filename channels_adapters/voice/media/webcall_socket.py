"""/ws/webcall/?token=…: a customer's call from the web chat widget. The token is the widget's
own signed visitor token (checked as the chat socket checks it, through the channel registry);
anything else gets an `unauthorized` error frame and the socket closes (4401). Then the widget
offers WebRTC (`{"type": "call", "sdp": …}`, every candidate gathered) and gets aiortc's answer;
its leg joins the call's room as the customer, recorded like a phone caller's. Keys from the
widget's keypad answer the flow's menus (`keys`), later they are tones to the agent; `hangup`
ends the call. Malformed signalling, an offer aiortc cannot take, or ICE that never completes
end the leg with a logged reason and an `error` frame; the call then ends as a phone call does
when the caller hangs up. A visitor, and an IP address, may place only so many calls an hour
(`WEBCALL_CALLS_PER_*_PER_HOUR`): past that, `rate_limited` with `retry_after`, and no call.
Frames: docs/websocket-protocol.md."""

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from django.conf import settings

from channels_adapters import base
from channels_adapters.voice.media import legs, room_controls, stack, tones, webcall
from channels_adapters.voice.media.mixing import AGENT, CUSTOMER
from channels_adapters.voice.media.recording import Recorder
from channels_adapters.voice.media.room import ROOMS, room
from channels_adapters.voice.media.views import MAX_SDP
from contactcenter import groups
from contactcenter.db_threads import in_thread
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from contactcenter.json_frames import JsonFramesConsumer
from contactcenter.sliding_windows import Windows

if TYPE_CHECKING:  # aiortc loads with a process's first call (webrtc.py), not at its start
    from channels_adapters.voice.media.webrtc import Peer

log = logging.getLogger(__name__)

UNAUTHORIZED = 4401
WATCH_EVERY_SECONDS = 1.0
CUSTOMER_HUNG_UP = "the customer hung up"
AGENT_HUNG_UP = "the agent hung up"
CONVERSATION_ENDED = "the conversation ended"
SOCKET_CLOSED = "the widget's socket closed"
NORMAL_ENDINGS = {CUSTOMER_HUNG_UP, AGENT_HUNG_UP, CONVERSATION_ENDED, SOCKET_CLOSED}
# Calls placed lately, by visitor and by address: this process's view (a new socket per call
# still counts, a socket stays on the process it opened on).
calls_per_visitor = Windows(seconds=3600)
calls_per_ip = Windows(seconds=3600)


def _as_customer(handler):
    def run(*args, **kwargs):
        with acting_as("customer"):
            return handler(*args, **kwargs)

    return in_thread(run)


class WebCallConsumer(JsonFramesConsumer):
    async def connect(self) -> None:
        self.visitor: tuple[str, str] | None = None
        self.call: webcall.WebCall | None = None
        self.peer: Peer | None = None
        self.recorder: Recorder | None = None
        self.connected_at: float | None = None
        self.began = 0.0
        self.heard_up_to = 0
        self.turn = 0
        self.single_keys = True  # the menu's options are one key each: each key answers
        self.typed = ""  # keys of a longer answer, until #
        self.policy_applied = False
        self.failure = ""  # the error code a leg ended over bad input is answered with
        self.shown: dict | None = None
        self.watcher: asyncio.Task | None = None
        self.closing: asyncio.Future | None = None
        self.updating = asyncio.Lock()
        self.ip = (self.scope.get("client") or ["?"])[0]
        query = parse_qs(self.scope.get("query_string", b"").decode())
        await self.accept()  # first, so the refusal can say why
        try:
            self.visitor = await in_thread(base.web_visitor)((query.get("token") or [""])[0])
        except base.UnknownVisitor as error:
            log.warning("web call refused: %s", error)
            await self.error("unauthorized", str(error))
            await self.close(code=UNAUTHORIZED)
            return
        await self.send_json(
            {"type": "ready", "ice_servers": json.loads(settings.VOICE_ICE_SERVERS)}
        )

    async def disconnect(self, code) -> None:
        if self.peer is not None:
            await self.peer.close(SOCKET_CLOSED)

    # -- errors --------------------------------------------------------------------------------

    async def error(self, code: str, reason: str, **extra) -> None:
        with contextlib.suppress(Exception):  # the socket may be gone already
            await self.send_json({"type": "error", "code": code, "reason": reason, **extra})

    async def malformed(self, reason: str) -> None:
        """Signalling we cannot read ends the call's leg (with the reason), never the server."""
        log.warning("web call %s: malformed signalling: %s", self._which(), reason)
        if self.peer is not None:
            await self.end_leg("bad_frame", f"malformed signalling: {reason}")
        else:
            await self.error("bad_frame", reason)

    async def end_leg(self, code: str, reason: str) -> None:
        """End the call's leg over bad input: `leg_ended` answers with one error frame, `code`."""
        self.failure = code
        await self.peer.close(reason)

    async def answer_error(self, code: str, reason: str, content, **extra) -> None:
        await self.error(code, reason, **extra)

    def _which(self) -> str:
        return self.call.interaction_id if self.call else "(no call yet)"

    # -- frames from the widget ------------------------------------------------------------------

    async def receive_json(self, content, **kwargs) -> None:
        if self.visitor is None:
            return
        kind = content.get("type") if isinstance(content, dict) else None
        handler = {"call": self.on_call, "keys": self.on_keys, "hangup": self.on_hangup}.get(
            kind if isinstance(kind, str) else ""
        )
        if handler is None:
            await self.malformed(
                f"unknown frame type {kind[:40] if isinstance(kind, str) else kind!r}"
            )
            return
        try:
            await handler(content)
        except DomainError as error:
            await self.error("refused", str(error))

    async def on_call(self, content: dict) -> None:
        sdp = content.get("sdp")
        if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > MAX_SDP:
            await self.malformed("a call frame carries the browser's offer: {type, sdp}")
            return
        if self.peer is not None:
            raise DomainError("this widget is on a call already")
        if wait := self.calls_wait():
            log.warning("web call refused on chat %s: too many calls from here", self.visitor[0])
            minutes = max(1, round(wait / 60))
            await self.error(
                "rate_limited",
                f"too many calls from here; try again in about {minutes} min",
                retry_after=wait,
            )
            return
        chat_key, visitor_id = self.visitor
        Peer = await stack.peer_class()  # loaded off the loop before the call's room is made
        self.call, self.heard_up_to = await _as_customer(webcall.start)(chat_key, visitor_id)
        call = self.call
        self.began, self.connected_at = time.monotonic(), None
        leg_id = f"web-{uuid.uuid4().hex[:12]}"
        call_room = room(call.interaction_id)
        self.recorder = Recorder(call.interaction_id, call.call_sid, leg_id)
        self.policy_applied = False
        await self.channel_layer.group_add(
            groups.call_media(call.interaction_id), self.channel_name
        )
        self.peer = Peer(call_room, leg_id, CUSTOMER, self.leg_ended)
        self.peer.on_connected = self.audio_connected
        try:
            answer = await self.peer.answer(sdp)
        except Exception as error:  # aiortc refuses an offer it cannot take: the leg ends
            log.warning("web call %s: the offer was refused: %s", call.interaction_id, error)
            if self.peer is not None:
                await self.end_leg("bad_offer", f"the offer could not be answered: {error}"[:200])
            return
        await self.send_json(
            {"type": "answer", "sdp": answer, "interaction_id": call.interaction_id}
        )
        await self.update()
        self.watcher = asyncio.ensure_future(self.watch())

    def calls_wait(self) -> float:
        """0 if this visitor, and their address, may place one more call now (it counts); else
        the seconds until they may."""
        now = time.monotonic()
        return calls_per_visitor.allow(
            self.visitor, settings.WEBCALL_CALLS_PER_VISITOR_PER_HOUR, now
        ) or calls_per_ip.allow(self.ip, settings.WEBCALL_CALLS_PER_IP_PER_HOUR, now)

    async def on_keys(self, content: dict) -> None:
        digits = str(content["digits"])
        if self.call is None or self.peer is None:
            raise DomainError("there is no call to send keys to")
        if not webcall.valid_keys(digits):
            raise DomainError("keys are 0-9, * and #")
        if await in_thread(webcall.in_menu)(self.call.interaction_id):
            for key in digits:
                await self.answer_menu(key)
            await self.update()
        else:  # talking: the agent hears the tones, as from a phone's keypad
            self.peer.room.play_to(AGENT, tones.dtmf(digits))

    async def answer_menu(self, key: str) -> None:
        if not self.single_keys and key != "#":
            self.typed += key
            return
        answer = key if self.single_keys else self.typed
        self.typed = ""
        if not answer:
            return
        self.turn += 1
        await _as_customer(webcall.pressed)(self.call, answer, self.turn)

    async def on_hangup(self, content: dict) -> None:
        if self.peer is not None:
            await self.peer.close(CUSTOMER_HUNG_UP)

    # -- the leg -------------------------------------------------------------------------------

    async def audio_connected(self, leg) -> None:
        self.connected_at = time.monotonic()
        await _as_customer(webcall.audio_started)(self.call, leg.leg_id)

    async def agent_took_it(self) -> None:
        """The call reached an agent: its queue's recording policy applies from now, as a
        phone call's does when its audio comes to the platform on the agent's accept (the
        flow decided the queue; the menu and the wait are not recorded)."""
        self.policy_applied = True
        recorded, announcement = await _as_customer(legs.recording_policy)(self.call.interaction_id)
        if self.peer is None:
            return
        if recorded:
            self.peer.room.taps.append(self.recorder.tap)
        if announcement is not None:
            self.peer.room.play_to(CUSTOMER, announcement)

    async def leg_ended(self, leg, reason: str) -> None:
        """Peer.close's last word: out of the room (done), into the log, and the widget told."""
        call, recorder, self.peer = self.call, self.recorder, None
        if self.watcher is not None:
            self.watcher.cancel()
        if call is None:
            return
        (log.info if reason in NORMAL_ENDINGS else log.warning)(
            "web call %s: the customer's leg ended: %s", call.interaction_id, reason
        )
        call_room = ROOMS.get(call.interaction_id)
        if call_room is not None and recorder is not None and recorder.tap in call_room.taps:
            call_room.taps.remove(recorder.tap)
        if call_room is not None and not call_room.legs:  # an offer refused left it empty
            ROOMS.pop(call.interaction_id, None)
        with contextlib.suppress(Exception):
            await self.channel_layer.group_discard(
                groups.call_media(call.interaction_id), self.channel_name
            )
        if recorder is not None:
            await _as_customer(legs.recording_saved)(recorder)
        await _as_customer(webcall.ended)(
            call,
            leg.leg_id,
            reason,
            connected=self.connected_at is not None,
            broken=reason not in NORMAL_ENDINGS,
            seconds=time.monotonic() - (self.connected_at or self.began),
        )
        if reason not in NORMAL_ENDINGS:
            await self.error(self.failure or "call_failed", reason)
        self.failure = ""
        with contextlib.suppress(Exception):
            await self.send_json({"type": "call_state", "state": "ended", "reason": reason})

    async def watch(self) -> None:
        """While the call lasts: its state (menu, waiting, talking, held) and new prompts."""
        while self.peer is not None:
            await asyncio.sleep(WATCH_EVERY_SECONDS)
            try:
                await self.update()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("web call %s: could not follow the call", self._which())

    async def update(self) -> None:
        async with self.updating:
            call = self.call
            if call is None or self.peer is None:
                return
            now = await in_thread(webcall.situation)(call)
            if now["state"] == "menu":
                prompts, self.heard_up_to = await in_thread(webcall.prompts_after)(
                    call.interaction_id, self.heard_up_to
                )
                for prompt in prompts:
                    await self.send_json({"type": "prompt", **prompt})
                if prompts:
                    options = prompts[-1]["options"]
                    self.single_keys = bool(options) and all(len(o["value"]) == 1 for o in options)
            if now["state"] in ("talking", "held") and not self.policy_applied:
                await self.agent_took_it()
            if now != self.shown:
                self.shown = now
                await self.send_json({"type": "call_state", **now})
            if now["state"] == "ended" and self.peer is not None:
                # Not under the lock: closing ends the leg, which stops this watcher.
                self.closing = asyncio.ensure_future(self.peer.close(CONVERSATION_ENDED))

    # -- call controls from the agent's console (controls.py, through the channel layer) ---------

    async def media_control(self, message: dict) -> None:
        if self.peer is None:
            return
        if message["action"] == "hangup":
            await self.peer.close(AGENT_HUNG_UP)
        else:
            room_controls.carry_out(self.peer.room, self.recorder, message)
