"""WebSocket URL patterns (kept out of a module named routing.py, beside the routing app)."""

from django.urls import path

from channels_adapters.voice.media.consumer import TwilioMediaConsumer
from channels_adapters.voice.media.webcall_socket import WebCallConsumer
from channels_adapters.webchat.consumers import VisitorConsumer
from contactcenter.console.consumers import AgentConsumer
from contactcenter.supervisor.consumers import SupervisorConsumer

websocket_urlpatterns = [
    path("ws/agent/", AgentConsumer.as_asgi()),
    path("ws/webcall/", WebCallConsumer.as_asgi()),
    path("ws/supervisor/", SupervisorConsumer.as_asgi()),
]

# A widget visitor's socket: a signed token says who they are; no session, no user.
visitor_websocket_urlpatterns = [
    path("ws/webchat/", VisitorConsumer.as_asgi()),
]

# Sockets a provider opens (no browser Origin, no session): each authenticates itself.
provider_websocket_urlpatterns = [
    path("ws/media/twilio/", TwilioMediaConsumer.as_asgi()),
]
