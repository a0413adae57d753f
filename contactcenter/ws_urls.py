"""WebSocket URL patterns (kept out of a module named routing.py, beside the routing app)."""

websocket_urlpatterns: list = []
