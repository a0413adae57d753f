"""Clients for the platform's WebSockets, driving the real ASGI application in-process."""

import json
import time
import uuid
from collections.abc import Callable

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from channels_adapters.webchat import tokens
from contactcenter.asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
# How long a test waits for a frame it expects: a bound on a stuck test, not a figure. Generous,
# because CI runs the fault drill (two servers, two workers, two dozen clients) beside these.
TIMEOUT = 15
# How long a test waits for the frame it wants while others keep coming (the widget's ticks):
# each comes within TIMEOUT, so without a bound of its own the wait never ended.
PATIENCE = 60


class Communicator(WebsocketCommunicator):
    """Channels' test client, patient as the rest of these. Its `disconnect` gives the consumer
    1 s to finish and then cancels it without a word (asgiref's `wait` swallows the timeout),
    so under load a test went on while the consumer's goodbye (the console's release, in a
    thread) was still running: a test routed to an agent whose console had just closed."""

    async def disconnect(self, code: int = 1000, timeout: float = TIMEOUT) -> None:
        await super().disconnect(code, timeout)


def session_cookie(user) -> bytes:
    """A logged-in session for `user`, as the browser's cookie header would carry it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def agent_socket(user=None, origin: tuple = ORIGIN) -> WebsocketCommunicator:
    headers = [origin]
    if user is not None:
        from channels.db import database_sync_to_async as sync_to_async

        headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
    socket = Communicator(application, "/ws/agent/", headers=headers)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


async def supervisor_socket(user) -> WebsocketCommunicator:
    from channels.db import database_sync_to_async as sync_to_async

    socket = Communicator(
        application,
        "/ws/supervisor/",
        headers=[ORIGIN, (b"cookie", await sync_to_async(session_cookie)(user))],
    )
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


async def visitor_socket(
    token: str | None = None, channel_key: str = "demo", visitor_id: str | None = None
) -> WebsocketCommunicator:
    if token is None:
        token, _ = tokens.issue(channel_key, visitor_id or str(uuid.uuid4()))
    return await _opened(f"/ws/webchat/?token={token}")


async def widget_socket(channel_key: str = "demo", token: str = "") -> WebsocketCommunicator:
    """A visitor's socket as the widget opens it, as its session: the channel, and the token
    kept from the last visit, if any."""
    return await _opened(
        f"/ws/webchat/?channel={channel_key}" + (f"&token={token}" if token else "")
    )


async def _opened(path: str) -> WebsocketCommunicator:
    socket = Communicator(application, path, headers=[ORIGIN])
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


async def next_frame(
    socket: WebsocketCommunicator,
    type_: str | None = None,
    *,
    skip: tuple[str, ...] = ("tick", "queue_position"),
    **match,
) -> dict:
    """The next frame (of `type_`, with `match`ing fields), skipping others."""
    if type_ is None:
        return await first_frame(socket, lambda frame: frame.get("type") not in skip)
    return await first_frame(
        socket,
        lambda frame: (
            frame.get("type") == type_ and all(frame.get(k) == v for k, v in match.items())
        ),
    )


async def event(socket: WebsocketCommunicator, name: str) -> dict:
    """The next pushed event frame of type `name` on a console socket."""
    return await first_frame(
        socket, lambda frame: frame.get("type") == "event" and frame["event"] == name
    )


async def request(socket: WebsocketCommunicator, type_: str, **fields) -> dict:
    """A console request and its answer (ack or error), other frames skipped."""
    ref = uuid.uuid4().hex[:8]
    await socket.send_json_to({"type": type_, "ref": ref, **fields})
    return await first_frame(socket, lambda frame: frame.get("ref") == ref)


async def first_frame(socket: WebsocketCommunicator, wanted: Callable[[dict], bool]) -> dict:
    """The first frame `wanted` takes, within PATIENCE however many others come first."""
    deadline = time.monotonic() + PATIENCE
    while (left := deadline - time.monotonic()) > 0:
        frame = await socket.receive_json_from(timeout=min(TIMEOUT, left))
        if wanted(frame):
            return frame
    raise TimeoutError(f"not the frame wanted within {PATIENCE} s")


def dumps(frame: dict) -> str:
    return json.dumps(frame)
