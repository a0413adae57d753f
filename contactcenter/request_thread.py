"""A request for a sync view goes to the request thread once, middleware and view together.

Django's ASGI handler builds its middleware chain for async views: with a sync-only
middleware in it (ours), the chain runs on the request thread, comes back to the event loop
to find the view, and goes to the thread again for the CSRF check and again for the view.
On the 2-core machine each crossing costs a thread wake-up each way (docs/benchmarks.md,
issue 18). Our views are sync but for a few (health, the softphone's media), so a request
for a sync view runs Django's sync handler, chain and view, in one trip to the thread Django
runs sync code on; a request for an async view, or for a path no URL matches, takes Django's
own path as before.
"""

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, get_resolver


class OneTripASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()  # the async chain, for async views
        self._sync = BaseHandler()
        self._sync.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        if not _sync_view(request.path_info):
            return await super().get_response_async(request)
        # thread_sensitive: the one thread Django runs sync views on under ASGI, so
        # connections and thread-locals are where they were.
        return await sync_to_async(self._sync.get_response, thread_sensitive=True)(request)


def _sync_view(path: str) -> bool:
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return False  # the 404 (or the slash appended) as Django's own path answers it
    return not iscoroutinefunction(match.func)


def get_asgi_application() -> OneTripASGIHandler:
    """As django.core.asgi's, with the handler above."""
    import django

    django.setup(set_prefix=False)
    return OneTripASGIHandler()
