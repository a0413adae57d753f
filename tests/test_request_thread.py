"""A request for a sync view crosses from the event loop to the request thread once for its
middleware and view (contactcenter/request_thread.py), where Django's async handler crossed
at each middleware; an async view still runs on the loop. Driven through the real ASGI
application, as Daphne drives it, counting asgiref's crossings."""

import json
import threading

import pytest
from asgiref import sync
from asgiref.testing import ApplicationCommunicator
from django.db import connections
from django.http import StreamingHttpResponse
from django.test import override_settings
from django.urls import path

from channels_adapters.webchat.models import WebChatChannel
from tests.asgi_requests import http_request, http_response

pytestmark = pytest.mark.django_db(transaction=True)


def request(method: str, path: str, body: bytes = b"") -> ApplicationCommunicator:
    headers = [(b"content-type", b"application/json")]
    return http_request(method, path, [*headers, (b"content-length", str(len(body)).encode())])


async def answer(communicator: ApplicationCommunicator, body: bytes = b"") -> tuple[int, bytes]:
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    answered = await http_response(communicator)
    await communicator.wait(timeout=10)
    return answered


@pytest.fixture
def crossings(monkeypatch):
    """asgiref's crossings: sync code run on a thread for the loop ("thread: …"), and async
    code run on the loop for that thread ("loop: …"), each a wake-up there and one back."""
    calls: list[str] = []
    to_thread, to_loop = sync.SyncToAsync.thread_handler, sync.AsyncToSync.main_wrap

    def on_thread(self, loop, *args, **kwargs):
        calls.append(f"thread: {getattr(self.func, '__qualname__', self.func)}")
        return to_thread(self, loop, *args, **kwargs)

    async def on_loop(self, *args, **kwargs):
        calls.append(f"loop: {getattr(self.awaitable, '__qualname__', self.awaitable)}")
        return await to_loop(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "thread_handler", on_thread)
    monkeypatch.setattr(sync.AsyncToSync, "main_wrap", on_loop)
    return calls


async def test_a_visitors_token_request_crosses_to_the_request_thread_once(crossings):
    await WebChatChannel.objects.acreate(key="demo", name="Demo")
    crossings.clear()
    body = json.dumps({"channel": "demo"}).encode()
    status, content = await answer(request("POST", "/widget/session/", body), body)
    assert status == 200 and json.loads(content)["token"]
    # The request's start (closing old connections), the middleware and the view, and the
    # response's close (the request's end) together. Django's async handler crossed for
    # each of the three, and back to the loop after the middleware, then to the thread for
    # the CSRF check and again for the view.
    assert [call.split(":")[0] for call in crossings] == ["thread"], crossings


async def test_requests_run_on_threads_kept_for_them(monkeypatch):
    """Django's handler started a thread for each request and joined it after (a
    ThreadSensitiveContext's executor): a fifth of a visitor's token request's CPU on the
    2-core machine (issue 18). A request for a sync view takes a thread kept for requests."""
    await WebChatChannel.objects.acreate(key="demo", name="Demo")
    body = json.dumps({"channel": "demo"}).encode()
    await answer(request("POST", "/widget/session/", body), body)  # the first thread starts
    started: list[str] = []
    start = threading.Thread.start

    def counted(thread):
        started.append(thread.name)
        return start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for _ in range(3):
        status, _ = await answer(request("POST", "/widget/session/", body), body)
        assert status == 200
    # The kept threads are a pool: one may be added where the last had not yet said it was
    # idle again, up to DATABASE_THREADS in all, ever.
    assert [name for name in started if not name.startswith("request_")] == [], started


async def test_a_request_starts_and_ends_on_the_thread_its_view_ran_on():
    """`request_started` and `request_finished` close the database connection of the thread
    they run on (returning it to the pool): that must be the view's, or its connection
    stays out of the pool."""
    from django.core import signals

    await WebChatChannel.objects.acreate(key="demo", name="Demo")
    seen: list[tuple[str, int]] = []

    def started(**kwargs):
        seen.append(("started", threading.get_ident()))

    def finished(**kwargs):
        seen.append(("finished", threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        body = json.dumps({"channel": "demo"}).encode()
        status, _ = await answer(request("POST", "/widget/session/", body), body)
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert status == 200
    assert [name for name, _ in seen] == ["started", "finished"]
    assert seen[0][1] == seen[1][1] != threading.get_ident()


# The database connections a streamed response's view and its body used (each thread has
# its own), for the test below.
used: dict[str, object] = {}


def streamed(request):
    used["view"] = connections["default"]
    channels = WebChatChannel.objects.count()

    def body():
        used["body"] = connections["default"]  # read as it is sent, on a thread of Django's
        yield f"{channels} channels, ".encode()
        yield f"{WebChatChannel.objects.count()} still".encode()

    return StreamingHttpResponse(body())


urlpatterns = [path("streamed/", streamed)]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
async def test_a_streamed_response_leaves_no_database_connection_open():
    """A file download streams its body after the view returns, read on a thread of Django's
    with a connection of its own: both the view's and the body's go back to the pool by the
    end of the request. The response was closed on a request thread, whose connection is
    neither, so the body's stayed open."""
    used.clear()
    await WebChatChannel.objects.acreate(key="demo", name="Demo")
    status, content = await answer(request("GET", "/streamed/"))
    assert (status, content) == (200, b"1 channels, 1 still")
    assert used["view"] is not used["body"]
    assert used["view"].connection is None, "the view's connection is still open"
    assert used["body"].connection is None, "the body's connection is still open"


async def test_a_page_no_url_matches_is_answered_as_before():
    status, _ = await answer(request("GET", "/no-such-page/"))
    assert status == 404


async def test_an_async_view_runs_on_the_event_loop():
    status, content = await answer(request("GET", "/healthz"))
    assert status in (200, 503) and b"database" in content
