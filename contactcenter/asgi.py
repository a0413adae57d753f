import os

from contactcenter.request_thread import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from contactcenter.request_limits import BodyLimit  # noqa: E402
from contactcenter.ws_urls import (  # noqa: E402
    provider_websocket_urlpatterns,
    websocket_urlpatterns,
)

browser_sockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
provider_sockets = URLRouter(provider_websocket_urlpatterns)
PROVIDER_PATHS = {"/" + str(p.pattern) for p in provider_websocket_urlpatterns}


async def websocket(scope, receive, send):
    """Browsers' sockets check Origin and the session; providers' (Twilio Media Streams send
    no Origin) check their own signatures."""
    app = provider_sockets if scope["path"] in PROVIDER_PATHS else browser_sockets
    return await app(scope, receive, send)


application = ProtocolTypeRouter({"http": BodyLimit(django_asgi_app), "websocket": websocket})
