"""The people of a fault drill, as asyncio WebSocket clients that behave like the real pages:
they reconnect (to another server if theirs is gone), resend what was not acknowledged with
the same ids, and take the server's snapshot as the truth rather than trusting pushes.

- `Agent`: logged in, available; accepts offers, answers each customer message with
  "re: <text>", ends the chat after the customer's last message and wraps it up.
- `Visitor`: a widget customer who sends a few messages, each after the answer to the last.

Both record what they saw, so the drill can compare it with the event log.
"""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets

from tests.faults.deployment import widget_session

RECONNECT_SECONDS = 0.5


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


@dataclass
class Agent:
    username: str
    cookie: str
    bases: list[str]
    disposition: str = "resolved"
    offers_seen: dict[str, float] = field(default_factory=dict)  # interaction -> when
    wrapped_up: set[str] = field(default_factory=set)
    connects: int = 0
    _refs: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            base = self.bases[self.connects % len(self.bases)]
            self.connects += 1
            try:
                async with websockets.connect(
                    ws_url(base, "/ws/agent/"),
                    origin=base,
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=5,
                ) as ws:
                    await self._session(ws, stop)
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            if not stop.is_set():
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _session(self, ws, stop: asyncio.Event) -> None:
        await self._request(ws, "presence", presence="available")
        syncing = asyncio.create_task(self._keep_syncing(ws, stop))
        closing = asyncio.create_task(self._close_on(stop, ws))
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "snapshot":
                    await self._act(ws, frame)
                elif frame.get("type") == "event":
                    data = frame["data"]
                    if frame["event"] == "OfferCreated" and data.get("agent_id") == self.me:
                        self.offers_seen.setdefault(data["interaction_id"], time.monotonic())
                    await self._request(ws, "sync")  # act on the truth, not on the push
                if stop.is_set():
                    return
        finally:
            syncing.cancel()
            closing.cancel()

    @staticmethod
    async def _close_on(stop: asyncio.Event, ws) -> None:
        await stop.wait()
        await ws.close()

    async def _keep_syncing(self, ws, stop: asyncio.Event) -> None:
        with contextlib.suppress(websockets.WebSocketException):
            while not stop.is_set():
                await self._request(ws, "sync")
                await asyncio.sleep(1.0)

    async def _request(self, ws, kind: str, **fields) -> None:
        self._refs += 1
        await ws.send(json.dumps({"type": kind, "ref": f"{self.username}-{self._refs}", **fields}))

    async def _act(self, ws, snapshot: dict) -> None:
        self.me = snapshot["me"]["id"]
        if snapshot["me"]["presence"] != "available":
            await self._request(ws, "presence", presence="available")
        for view in snapshot["interactions"]:
            if view["state"] == "offered" and (view.get("offer") or {}).get("agent_id") == self.me:
                self.offers_seen.setdefault(view["id"], time.monotonic())
                await self._request(
                    ws, "accept", interaction_id=view["id"], offer_id=view["offer"]["offer_id"]
                )
            elif view["state"] == "active" and view["agent_id"] == self.me:
                await self._converse(ws, view)
            elif view["state"] == "wrap_up" and view["agent_id"] == self.me:
                await self._request(
                    ws, "wrap_up", interaction_id=view["id"], disposition=self.disposition
                )
                self.wrapped_up.add(view["id"])

    async def _converse(self, ws, view: dict) -> None:
        answered = {m["text"] for m in view["messages"] if m["kind"] == "outbound"}
        last = None
        for message in view["messages"]:
            if message["kind"] != "inbound":
                continue
            last = message
            reply = f"re: {message['text']}"
            if reply not in answered:
                await self._request(
                    ws,
                    "send",
                    interaction_id=view["id"],
                    text=reply,
                    client_message_id=f"re-{message['id']}",
                )
        if last is not None and last["text"].endswith(" bye") and f"re: {last['text']}" in answered:
            await self._request(ws, "end", interaction_id=view["id"])


@dataclass
class Visitor:
    number: int
    bases: list[str]
    messages: int = 3
    token: str = ""
    interaction_id: str = ""
    acked: dict[str, str] = field(default_factory=dict)  # client message id -> message id
    replies: set[str] = field(default_factory=set)
    connects: int = 0
    done: bool = False

    def texts(self) -> list[tuple[str, str]]:
        """(client message id, text) of everything this visitor says, in order."""
        said = [
            (f"v{self.number}.{k}", f"visitor {self.number} says {k}") for k in range(self.messages)
        ]
        said[-1] = (said[-1][0], f"{said[-1][1]} bye")
        return said

    async def run(self, giving_up: Callable[[], bool]) -> None:
        while not self.done and not giving_up():
            base = self.bases[(self.number + self.connects) % len(self.bases)]
            self.connects += 1
            try:
                await self._session(base)
            except (OSError, websockets.WebSocketException, TimeoutError, LookupError):
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _session(self, base: str) -> None:
        status, _, body = await asyncio.to_thread(widget_session, base, self.token or None)
        if status != 200:
            raise LookupError(f"widget session: {status}")
        self.token = json.loads(body)["token"]
        async with websockets.connect(
            ws_url(base, f"/ws/webchat/?token={self.token}"), origin=base, open_timeout=5
        ) as ws:
            welcome = await self._next(ws, "welcome")
            self._learn(welcome.get("conversation") or {})
            for client_id, text in self.texts():
                while client_id not in self.acked:
                    await ws.send(
                        json.dumps(
                            {"type": "message", "text": text, "client_message_id": client_id}
                        )
                    )
                    await self._until_acked(ws, client_id)
                while f"re: {text}" not in self.replies:
                    self._see(await self._next(ws, "message"))
            self.done = True

    async def _until_acked(self, ws, client_id: str) -> None:
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if frame.get("type") == "ack" and frame.get("client_message_id") == client_id:
                self.acked[client_id] = frame["message_id"]
                self.interaction_id = frame["interaction_id"]
                return
            if frame.get("type") == "error" and frame.get("ref") == client_id:
                await asyncio.sleep(float(frame.get("retry_after") or 0.5))
                return  # send it again
            self._see(frame)

    @staticmethod
    async def _next(ws, kind: str) -> dict:
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if frame.get("type") == kind:
                return frame

    def _see(self, frame: dict) -> None:
        if frame.get("type") == "message" and frame["message"].get("author") == "agent":
            self.replies.add(frame["message"]["text"])

    def _learn(self, conversation: dict) -> None:
        """After a reconnect: what the server holds is what happened."""
        for message in conversation.get("messages", []):
            if message.get("author") == "agent":
                self.replies.add(message["text"])
            elif message.get("client_message_id"):
                self.acked.setdefault(message["client_message_id"], message["id"])
