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
    visitor_websocket_urlpatterns,
    websocket_urlpatterns,
)

browser_sockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
# A widget visitor proves who they are with a signed token, never a session: looking up the
# user of a session they do not have was a hop to a thread at every connect (issue 18).
visitor_sockets = AllowedHostsOriginValidator(URLRouter(visitor_websocket_urlpatterns))
provider_sockets = URLRouter(provider_websocket_urlpatterns)
PROVIDER_PATHS = {"/" + str(p.pattern) for p in provider_websocket_urlpatterns}
VISITOR_PATHS = {"/" + str(p.pattern) for p in visitor_websocket_urlpatterns}


async def websocket(scope, receive, send):
    """Browsers' sockets check Origin, and staff's the session too; providers' (Twilio Media
    Streams send no Origin) check their own signatures."""
    if scope["path"] in VISITOR_PATHS:
        app = visitor_sockets
    elif scope["path"] in PROVIDER_PATHS:
        app = provider_sockets
    else:
        app = browser_sockets
    return await app(scope, receive, send)


application = ProtocolTypeRouter({"http": BodyLimit(django_asgi_app), "websocket": websocket})
