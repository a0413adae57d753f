"""An agent's softphone without a browser (aiortc in the test): it offers WebRTC to the
platform's signalling endpoint with the agent's session, says `samples` and keeps what it
hears. The browser version is the console's own softphone in Chromium (test_softphone_*)."""

import asyncio
import fractions
import json
import urllib.request

import numpy as np
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from channels_adapters.voice.media.codec import FRAME_SAMPLES, RATE, ToRoom, to_webrtc

CSRF = "a" * 32


class Speaking(MediaStreamTrack):
    """`samples` once, then silence, paced at 20 ms a frame."""

    kind = "audio"

    def __init__(self, samples: np.ndarray, delay_s: float = 0.0):
        super().__init__()
        pad = np.zeros(int(delay_s * RATE), dtype=np.int16)
        self.samples = np.concatenate([pad, samples.astype(np.int16)])
        self._pts = 0
        self._began: float | None = None

    async def recv(self):
        loop = asyncio.get_running_loop()
        if self._began is None:
            self._began = loop.time()
        await asyncio.sleep(max(0, self._began + self._pts / RATE - loop.time()))
        frame = self.samples[self._pts : self._pts + FRAME_SAMPLES]
        frame = np.concatenate([frame, np.zeros(FRAME_SAMPLES - len(frame), dtype=np.int16)])
        out = to_webrtc(frame, self._pts)
        out.time_base = fractions.Fraction(1, RATE)
        self._pts += FRAME_SAMPLES
        return out


class Softphone:
    def __init__(self, base: str, session_cookie: bytes, samples: np.ndarray, delay_s=0.0):
        self.base, self.cookie = base, session_cookie.decode()
        self.pc = RTCPeerConnection()
        self.pc.addTrack(Speaking(samples, delay_s))
        self.heard: list[np.ndarray] = []
        self._to_room = ToRoom()
        self.pc.on("track", lambda track: asyncio.ensure_future(self._hear(track)))

    async def _hear(self, track) -> None:
        try:
            while True:
                self.heard.extend(self._to_room.push(await track.recv()))
        except MediaStreamError:
            pass

    def _post(self, path: str, body: dict, method: str = "POST") -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=json.dumps(body).encode(),
            method=method,
            headers={
                "Content-Type": "application/json",
                "Cookie": f"{self.cookie}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    async def call(self, interaction_id: str, as_: str = "softphone", **extra) -> tuple[int, dict]:
        """Join the call's audio: as the agent's softphone, or `as_="supervise"` with a mode."""
        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = {"type": "offer", "sdp": self.pc.localDescription.sdp, **extra}
        path = f"/channels/voice/calls/{interaction_id}/{as_}/"
        status, answer = await asyncio.to_thread(self._post, path, offer)
        if status == 200:
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=answer["sdp"], type=answer["type"])
            )
        return status, answer

    async def hang_up(self, interaction_id: str) -> None:
        path = f"/channels/voice/calls/{interaction_id}/softphone/"
        await asyncio.to_thread(self._post, path, {}, "DELETE")
        await self.pc.close()

    def heard_samples(self) -> np.ndarray:
        return np.concatenate(self.heard) if self.heard else np.zeros(0, dtype=np.int16)
