"""Request bodies are capped before they are read: 413 on every route past REQUEST_MAX_BYTES,
and past EMAIL_INBOUND_MAX_BYTES on the ESP inbound webhooks, which post whole mails. A
request that announces too much is answered before a byte of its body is taken; one that
omits its Content-Length or lies about it is cut off as its body streams past the limit, and
no view runs. Driven through the real ASGI application, as Daphne drives it."""

import json

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import override_settings

from tests.asgi_requests import http_request, http_response

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024


def http_post(path: str, content_length: int | None) -> ApplicationCommunicator:
    headers = [(b"content-type", b"application/json")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    return http_request("POST", path, headers)


async def answer(request: ApplicationCommunicator) -> tuple[int, dict]:
    status, body = await http_response(request)
    return status, json.loads(body)


async def nothing_more(request: ApplicationCommunicator) -> None:
    """No second response: the view never ran."""
    assert await request.receive_nothing(timeout=0.5)
    await request.wait(timeout=5)


async def test_a_body_announced_past_the_limit_is_refused_before_it_is_read():
    request = http_post("/widget/session/", content_length=2 * MB)
    # Not one byte of the body is sent: the answer comes from the headers alone.
    status, reason = await answer(request)
    assert status == 413
    assert "at most 1048576 bytes" in reason["error"]
    await nothing_more(request)


async def test_an_esp_inbound_webhook_takes_a_whole_mail_but_not_more():
    refused = http_post("/hooks/email/postmark/inbound/", content_length=41 * MB)
    assert (await answer(refused))[0] == 413
    await nothing_more(refused)

    taken = http_post("/hooks/email/postmark/inbound/", content_length=2 * MB)
    for _ in range(2):
        await taken.send_input({"type": "http.request", "body": b" " * MB, "more_body": True})
    await taken.send_input({"type": "http.request", "body": b"", "more_body": False})
    status, reason = await answer(taken)  # read and handled: no inbox receives through Postmark
    assert status == 404 and "Postmark" in reason["error"]


@pytest.mark.parametrize("content_length", [None, 100], ids=["omitted", "a lie"])
@override_settings(REQUEST_MAX_BYTES=64 * 1024)
async def test_a_body_that_streams_past_the_limit_is_cut_off_and_no_view_runs(content_length):
    request = http_post("/widget/session/", content_length=content_length)
    chunk = b'{"channel": "' + b"x" * 16 * 1024
    for _ in range(5):
        await request.send_input({"type": "http.request", "body": chunk, "more_body": True})
    status, reason = await answer(request)
    assert status == 413
    assert "at most 65536 bytes" in reason["error"]
    await nothing_more(request)


async def test_a_content_length_that_is_no_number_is_a_bad_request():
    request = http_post("/widget/session/", content_length=None)
    request.scope["headers"].append((b"content-length", b"lots"))
    assert (await answer(request))[0] == 400
    await nothing_more(request)
