"""Any server process can serve any client: a visitor on one Daphne and an agent on another,
sharing PostgreSQL and Redis, hold a whole conversation; a router runs as a third process."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets
from channels.db import database_sync_to_async as sync_to_async
from django.db import connection

from channels_adapters.webchat.models import WebChatChannel
from tests.conftest import wait_until_alone
from tests.routing.builders import a_queue, an_agent
from tests.sockets import session_cookie

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "contactcenter.settings"}


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"daphne on {port} never became healthy")


@pytest.fixture
def two_servers():
    ports = [free_port(), free_port()]
    servers = [
        start("-m", "daphne", "-b", "127.0.0.1", "-p", str(p), "contactcenter.asgi:application")
        for p in ports
    ]
    router = start("manage.py", "run_router", "--no-outbox")
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_healthy(port, server)
        yield ports
    finally:
        for process in (*servers, router):
            process.terminate()
        for process in (*servers, router):
            process.wait(timeout=30)
        wait_until_alone()


async def frames_until(ws, predicate, timeout=20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        frame = json.loads(await asyncio.wait_for(ws.recv(), remaining))
        if predicate(frame):
            return frame


async def a_chat_center(base: str) -> tuple[str, str]:
    """A queue with an agent (alice) and the demo web chat: her session cookie, and a
    visitor's token from the widget's session endpoint at `base`."""
    queue = await sync_to_async(a_queue)(
        name="Support", entry="webchat:*", dispositions=("resolved",)
    )
    agent = await sync_to_async(an_agent)(queue, username="alice")
    await sync_to_async(WebChatChannel.objects.create)(key="demo", name="Demo")
    cookie = (await sync_to_async(session_cookie)(agent)).decode()
    request = urllib.request.Request(
        f"{base}/widget/session/",
        data=b'{"channel": "demo"}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    answer = await asyncio.to_thread(lambda: urllib.request.urlopen(request).read())
    return cookie, json.loads(answer)["token"]


async def greet_accept_reply(visitor, console, greeting: str, reply: str) -> str:
    """The visitor says `greeting`, the agent's console is offered the chat and accepts it
    (the view holds the greeting), and the visitor hears the agent's `reply`: the chat's id."""
    await frames_until(visitor, lambda f: f["type"] == "welcome")
    await frames_until(console, lambda f: f["type"] == "snapshot")
    await visitor.send(json.dumps({"type": "message", "text": greeting, "client_message_id": "v1"}))
    offer = await frames_until(console, lambda f: f.get("event") == "OfferCreated")
    interaction_id = offer["data"]["interaction_id"]
    accept = {"type": "accept", "ref": "a1", "interaction_id": interaction_id}
    await console.send(json.dumps({**accept, "offer_id": offer["data"]["offer_id"]}))
    accepted = await frames_until(console, lambda f: f.get("ref") == "a1")
    assert accepted["interaction"]["messages"][0]["text"] == greeting
    await frames_until(visitor, lambda f: f["type"] == "agent_joined")
    said = {"type": "send", "ref": "s1", "interaction_id": interaction_id, "text": reply}
    await console.send(json.dumps({**said, "client_message_id": "a1"}))
    heard = await frames_until(
        visitor, lambda f: f["type"] == "message" and f["message"]["author"] == "agent"
    )
    assert heard["message"]["text"] == reply
    return interaction_id


async def test_a_visitor_on_one_server_and_an_agent_on_another_hold_a_conversation(two_servers):
    visitor_port, agent_port = two_servers
    cookie, token = await a_chat_center(f"http://127.0.0.1:{visitor_port}")

    async with (
        websockets.connect(
            f"ws://127.0.0.1:{visitor_port}/ws/webchat/?token={token}",
            origin=f"http://127.0.0.1:{visitor_port}",
        ) as visitor,
        websockets.connect(
            f"ws://127.0.0.1:{agent_port}/ws/agent/",
            origin=f"http://127.0.0.1:{agent_port}",
            additional_headers={"Cookie": cookie},
        ) as console,
    ):
        interaction_id = await greet_accept_reply(
            visitor, console, "Hi from server A", "Hello from server B"
        )

        await visitor.send(
            json.dumps({"type": "message", "text": "Thanks!", "client_message_id": "v2"})
        )
        heard = await frames_until(
            console,
            lambda f: f.get("event") == "MessageReceived" and f["data"]["text"] == "Thanks!",
        )
        assert heard["data"]["interaction_id"] == interaction_id

        for frame in (
            {"type": "end", "ref": "e1", "interaction_id": interaction_id},
            {
                "type": "wrap_up",
                "ref": "w1",
                "interaction_id": interaction_id,
                "disposition": "resolved",
            },
        ):
            await console.send(json.dumps(frame))
            assert (await frames_until(console, lambda f, r=frame["ref"]: f.get("ref") == r))[
                "type"
            ] == "ack"
        closed = await frames_until(visitor, lambda f: f["type"] == "closed")
        assert closed["can_rate"]
