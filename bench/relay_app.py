"""The bare relay the chat benchmark compares against: a Channels app, run by Daphne with the
project's own channel layer (contactcenter.settings.CHANNEL_LAYERS, Redis pub/sub), and
nothing else: a text frame on `/relay/visitor/<id>/` is `group_send` to the group that
`/relay/agent/<id>/` joined, which sends it on as is. No database, no authentication, no JSON.

    daphne bench.relay_app:application
"""

import django
from django.conf import settings

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
            ]
        ),
    }
)
