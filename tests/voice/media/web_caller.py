"""A caller in the web chat widget without a browser: aiortc offers WebRTC over `/ws/webcall/`
with the visitor's token, as the widget does, answers the flow's menu with the keypad, says
what its softphone is given and keeps what it hears (the browser version: test_webcall_*)."""

import asyncio
import json

import numpy as np
import websockets
from aiortc import RTCSessionDescription

from tests.voice.media.softphone import Softphone


class WebCaller:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.phone = Softphone(base, b"", np.zeros(1, dtype=np.int16))  # its media half
        self.socket = None

    async def call(self, digits: str) -> str:
        """Place the call and answer the menu; returns the interaction, once it waits in line."""
        url = self.base.replace("http://", "ws://") + f"/ws/webcall/?token={self.token}"
        self.socket = await websockets.connect(url, origin=self.base)
        await self.frame("ready")
        pc = self.phone.pc
        await pc.setLocalDescription(await pc.createOffer())
        await self.send({"type": "call", "sdp": pc.localDescription.sdp})
        answer = await self.frame("answer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        await self.send({"type": "keys", "digits": digits})
        await self.frame("call_state", state="waiting")
        return answer["interaction_id"]

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def frame(self, kind: str, timeout: float = 30, **fields) -> dict:
        """The next frame of this type (and these fields); the ones before it are passed over."""
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.socket.recv())
                if frame.get("type") == kind and all(frame.get(k) == v for k, v in fields.items()):
                    return frame

    def heard_since(self, mark: int) -> np.ndarray:
        frames = self.phone.heard[mark:]
        return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)

    async def hang_up(self) -> None:
        await self.send({"type": "hangup"})
        await self.socket.close()
        await self.phone.pc.close()
