"""A browser's leg of a call over WebRTC, served by aiortc: the browser offers (its own
RTCPeerConnection, no vendor SDK), we answer with one audio track carrying what the room mixes
for it, and feed what it says into the room. Opus in and out: we encode (`codec.ToOpus`), aiortc
packs and sends; what comes in goes from aiortc's receiver straight into the room
(`inbound`)."""

import asyncio
import contextlib
import json
import logging
import weakref
from collections.abc import Awaitable, Callable

import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from django.conf import settings

from channels_adapters.voice.media import codec, inbound
from channels_adapters.voice.media.room import Leg, Room

log = logging.getLogger(__name__)

Ended = Callable[[Leg, str], Awaitable[None]]


class RoomTrack(MediaStreamTrack):
    """What the room mixes for this leg, 20 ms at a time, as Opus packets for aiortc's sender
    (`codec.ToOpus`: encoded as the sender asks, so a frame dropped below is never encoded)."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        # Three frames at most (60 ms): aiortc's sender takes each as the room makes it; when
        # it falls behind, the oldest audio goes rather than the delay growing.
        self.frames: asyncio.Queue = asyncio.Queue(maxsize=3)
        self._opus = codec.ToOpus()
        self._ready: list = []

    async def deliver(self, pcm: np.ndarray) -> None:
        if self.frames.full():  # the sender fell behind: keep the newest audio
            self.frames.get_nowait()
        self.frames.put_nowait(pcm)

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        while not self._ready:
            pcm = await self.frames.get()
            if pcm is None:
                raise MediaStreamError
            self._ready = self._opus.encode(pcm)
        return self._ready.pop(0)

    def stop(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.frames.put_nowait(None)
        super().stop()


def configuration() -> RTCConfiguration:
    servers = [RTCIceServer(**server) for server in json.loads(settings.VOICE_ICE_SERVERS)]
    return RTCConfiguration(iceServers=servers)


def ipv4_only(sdp: str) -> str:
    """The session description without IPv6 candidates. On a dual-stack host aioice and
    Chromium may settle on different pairs, and aioice's consent checks on its pair then go
    unanswered: the call drops after 30 s. One address family, one pair."""
    return "".join(
        line
        for line in sdp.splitlines(keepends=True)
        if not (line.startswith("a=candidate:") and ":" in line.split()[4])
    )


SERVER_STOPPING = "the server is stopping"


class Peer:
    """One WebRTC leg in a room; `answer` returns the SDP answer for the browser's offer."""

    def __init__(self, room: Room, leg_id: str, role: str, on_ended: Ended):
        _open.add(self)
        self.room, self.on_ended = room, on_ended
        self.pc = RTCPeerConnection(configuration())
        self.out = RoomTrack()
        self.leg = Leg(leg_id, role, self.out.deliver, connected=False)
        self.on_connected: Callable[[Leg], Awaitable[None]] | None = None
        self._reader: asyncio.Task | None = None
        self._closed = False

    async def answer(self, sdp: str) -> str:
        @self.pc.on("track")
        def on_track(track):
            if track.kind == "audio":
                self._reader = asyncio.ensure_future(self._read(track))

        @self.pc.on("connectionstatechange")
        async def on_state():
            if self.pc.connectionState == "connected":
                self.leg.connected = True
                if self.on_connected is not None:
                    await self.on_connected(self.leg)
            if self.pc.connectionState in ("failed", "closed"):
                await self.close(f"the WebRTC connection {self.pc.connectionState}")

        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=ipv4_only(sdp), type="offer"))
        inbound.receive_into(self.pc, self.leg)
        self.pc.addTrack(self.out)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        self.room.add(self.leg)
        self._ice_timer = asyncio.ensure_future(
            self._expect_ice(settings.VOICE_ICE_TIMEOUT_SECONDS)
        )
        return ipv4_only(self.pc.localDescription.sdp)

    async def _expect_ice(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if self.pc.connectionState != "connected":
            await self.close(f"ICE did not complete within {seconds:g} s")

    async def _read(self, track) -> None:
        """Until the track ends. Its frames go into the room before they reach it (`inbound`);
        only where aiortc's own receiver had to stay does the track deliver them."""
        to_room = None  # made for the first frame: with `inbound` none ever comes this way
        try:
            while True:
                frame = await track.recv()
                to_room = to_room or codec.ToRoom()
                for pcm in to_room.push(frame):
                    self.leg.put(pcm)
        except MediaStreamError:
            await self.close("the browser's audio track ended")

    async def close(self, reason: str) -> None:
        if self._closed:
            return
        self._closed = True
        _open.discard(self)
        self.room.remove(self.leg.leg_id, reason)
        self.out.stop()
        await self.pc.close()
        await self.on_ended(self.leg, reason)


_open: weakref.WeakSet[Peer] = weakref.WeakSet()


async def close_all(reason: str = SERVER_STOPPING) -> None:
    """End every WebRTC leg in this process, each with its reason and its events, as the server
    stops: aiortc's decoder threads are not daemons, so an open leg would keep a stopped
    server's process alive for as long as the browser at its other end stays."""
    await asyncio.gather(*(peer.close(reason) for peer in list(_open)), return_exceptions=True)
