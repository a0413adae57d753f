"""WebSocket URL patterns (kept out of a module named routing.py, beside the routing app)."""

from django.urls import path

from channels_adapters.webchat.consumers import VisitorConsumer
from contactcenter.console.consumers import AgentConsumer
from contactcenter.supervisor.consumers import SupervisorConsumer

websocket_urlpatterns = [
    path("ws/agent/", AgentConsumer.as_asgi()),
    path("ws/webchat/", VisitorConsumer.as_asgi()),
    path("ws/supervisor/", SupervisorConsumer.as_asgi()),
]
