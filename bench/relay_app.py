"""The bare relay the chat benchmark compares against: a Channels app, run by Daphne with the
project's own channel layer (contactcenter.settings.CHANNEL_LAYERS, Redis pub/sub), and
nothing else: a text frame on `/relay/visitor/<id>/` is `group_send` to the group that
`/relay/agent/<id>/` joined, which sends it on as is. No database, no authentication, no JSON.

A frame on `/relay/kept/<id>/` is first committed to PostgreSQL (DATABASE_URL, the table
`chat_relay.KEPT`), then relayed the same way: the least a message that is kept before it is
pushed can cost, one trip to a database thread and one transaction of one INSERT (BEGIN,
INSERT, COMMIT), as the platform's message pays them with its statements. What the platform
adds to it is its own.

    daphne bench.relay_app:application
"""

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import django
import psycopg
from django.conf import settings

from bench.chat_relay import KEPT
from contactcenter import settings as project

settings.configure(CHANNEL_LAYERS=project.CHANNEL_LAYERS, INSTALLED_APPS=[], DATABASES={})
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Agent(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = f"relay.{self.scope['url_route']['kwargs']['chat']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def relay_frame(self, message) -> None:
        await self.send(text_data=message["text"])


class Visitor(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None) -> None:
        chat = self.scope["url_route"]["kwargs"]["chat"]
        await self.channel_layer.group_send(
            f"relay.{chat}", {"type": "relay.frame", "text": text_data}
        )


# Threads with a connection each, as the platform's sockets have (contactcenter/db_threads.py).
_threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kept")
_connections = threading.local()


def keep(chat: str, text: str) -> None:
    """Commit `text` to KEPT, in a transaction of its own on this thread's connection."""
    connection = getattr(_connections, "connection", None)
    if connection is None or connection.closed:
        connection = _connections.connection = psycopg.connect(os.environ["DATABASE_URL"])
    with connection.transaction():
        connection.execute(f"INSERT INTO {KEPT} (chat, text) VALUES (%s, %s)", (chat, text))


class Kept(Visitor):
    """A visitor whose every frame is committed before it is relayed."""

    async def receive(self, text_data=None, bytes_data=None) -> None:
        chat = self.scope["url_route"]["kwargs"]["chat"]
        await asyncio.get_running_loop().run_in_executor(_threads, keep, chat, text_data)
        await super().receive(text_data=text_data)


async def healthz(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


application = ProtocolTypeRouter(
    {
        "http": healthz,
        "websocket": URLRouter(
            [
                path("relay/agent/<str:chat>/", Agent.as_asgi()),
                path("relay/visitor/<str:chat>/", Visitor.as_asgi()),
                path("relay/kept/<str:chat>/", Kept.as_asgi()),
            ]
        ),
    }
)
