"""How much a request may carry, enforced before its body is read.

Django's ASGI handler reads a whole body before any view or setting looks at it, and Django's
own DATA_UPLOAD_MAX_MEMORY_SIZE is checked only when a view parses it: forty megabytes of
unsigned posts took a server from 132 MB to 905 MB. This ASGI middleware sits in front:

- every route takes `REQUEST_MAX_BYTES`; the routes in `LARGE_BODIES` (ESP inbound webhooks,
  which post whole mails) take their own, larger setting;
- a Content-Length past the limit is answered 413 at once, without a byte of the body read;
- a body without Content-Length, or longer than it said, is counted as it streams in and
  answered 413 the moment it passes the limit. Django is then told the client went away, so
  it stops reading and runs no view.

Daphne itself receives a body before it starts the application; put a limit in the proxy in
front of it too (docs/security.md).
"""

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Routes whose bodies may be larger than REQUEST_MAX_BYTES, and the setting that caps them.
LARGE_BODIES = [
    (re.compile(r"^/hooks/email/[^/]+/inbound/$"), "EMAIL_INBOUND_MAX_BYTES"),
    # file uploads in conversations (contactcenter/attachments)
    (re.compile(r"^/(console|widget)/attachments/$"), "ATTACHMENT_REQUEST_MAX_BYTES"),
]


def limit_for(path: str) -> int:
    """The most bytes a request to `path` may carry."""
    for pattern, setting in LARGE_BODIES:
        if pattern.match(path):
            return getattr(settings, setting)
    return settings.REQUEST_MAX_BYTES


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length; None if it has none; ValueError if it is no number."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            if not value.strip().isdigit():
                raise ValueError(value)
            return int(value)
    return None


async def refuse(send: Send, status: int, code: str, reason: str) -> None:
    """The answer in both shapes our endpoints use: webhooks' `error`, the API's code/detail."""
    body = json.dumps({"code": code, "detail": reason, "error": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: wrap the HTTP application (contactcenter/asgi.py)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        too_large = f"request body too large: at most {limit} bytes here"
        try:
            declared = declared_length(scope)
        except ValueError:
            await refuse(send, 400, "bad_request", "Content-Length is no number")
            return
        if declared is not None and declared > limit:
            await refuse(send, 413, "too_large", too_large)
            return
        received = 0
        refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await refuse(send, 413, "too_large", too_large)
                    return {"type": "http.disconnect"}
            return message

        async def send_unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, send_unless_refused)
