"""A request for a sync view goes to a request thread once: its start, middleware and view, end.

Django's ASGI handler crosses from the event loop to a thread for each part of a request:
the `request_started` signal; the middleware chain, built for async views, which with a
sync-only middleware in it (ours) comes back to the loop to find the view and goes to the
thread again for the CSRF check and again for the view; and the response's close with
`request_finished`. It also starts a thread for every request (a ThreadSensitiveContext's
executor) and joins it after. On the 2-core machine each crossing costs a thread wake-up
each way, and the start and join were a fifth of a visitor's token request
(docs/benchmarks.md, issue 18).

Our views are sync but for a few (health, the softphone's media). So a request for a sync
view runs in one trip to a thread kept for requests: the start signal, Django's sync
handler (chain and view), and for a response in one piece its close. `request_started` and
`request_finished` close the database connection of the thread they run on, so they run on
the view's. A streaming response's body is read as it is sent, on Django's thread for the
request, which closes it after: the view's connection is closed as the view returns. A
request for an async view, or for a path no URL matches, takes Django's own path as before.
"""

import asyncio
from contextlib import closing

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.db import connections
from django.http import FileResponse, HttpResponseBase
from django.urls import Resolver404, get_resolver, set_script_prefix

from contactcenter import db_threads

# As many as the database connections they would use; apart from the sockets' threads, so a
# burst of requests does not hold up the sockets' calls.
_requests = db_threads.Threads("request", "REQUEST_THREADS")


class RequestProcessed(Exception):
    pass


class OneTripASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()  # the async chain, for async views
        self._sync = BaseHandler()
        self._sync.load_middleware(is_async=False)

    async def handle(self, scope, receive, send) -> None:
        """Django's `handle`, with the request's sync parts in one trip (`respond`)."""
        if not _sync_view(_path_info(scope)):
            return await super().handle(scope, receive, send)
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            set_script_prefix(get_script_prefix(scope))
            # A task of its own, shielded: a client gone mid-request does not leave the
            # response the thread is making unclosed (it is awaited below).
            trip = asyncio.ensure_future(self.in_request_thread(self.respond)(scope, body_file))
            response = None
            try:
                try:
                    async with asyncio.TaskGroup() as tasks:
                        tasks.create_task(self.listen_for_disconnect(receive))
                        response = await asyncio.shield(trip)
                        await self.send_response(response, send)
                        raise RequestProcessed
                except* (RequestProcessed, RequestAborted):
                    pass
            except BaseExceptionGroup as exception_group:
                if len(exception_group.exceptions) == 1:
                    raise exception_group.exceptions[0] from None
                raise
            if response is None:  # the client left first
                response = await trip
            if response.streaming:
                # On the thread that read the body (Django's for this request), as Django
                # closes it: `request_finished` closes that thread's connection.
                await sync_to_async(response.close)()

    def respond(self, scope, body_file) -> HttpResponseBase:
        """On a request thread: the request from start to response, closed unless it streams
        (its close is the request's end: `request_finished`)."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self._sync.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size  # as Django's handler sets it
        if response.streaming:
            # Its body is read as it is sent, on another thread with a connection of its own:
            # the view's goes back to the pool now.
            connections.close_all()
        else:
            response.close()
        return response

    @staticmethod
    def in_request_thread(function):
        return sync_to_async(function, thread_sensitive=False, executor=_requests.executor())


def _path_info(scope) -> str:
    """The path the URLs resolve, as Django's ASGIRequest takes it from the scope."""
    path, prefix = scope["path"], get_script_prefix(scope).rstrip("/")
    if prefix and (path.startswith(prefix + "/") or path == prefix):
        return path[len(prefix) :]
    return path


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
