"""Every endpoint that reads a JSON body answers JSON it cannot take with a 400 that says why:
text that is no JSON, JSON that Python's parser takes but JSON does not (`NaN`, `Infinity`),
numbers out of range (`1e999`, a 5,000-digit integer), nesting deep enough to exhaust the
stack, and an array where an object is expected. Never a 500."""

import pytest
from django.contrib.auth.models import User

from channels_adapters.webchat.models import WebChatChannel
from tests.api.conftest import client_for
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db

UNTAKEABLE = {
    "not JSON": b"channel=demo",
    "not UTF-8": b'{"channel": "\xff\xfe"}',
    "NaN": b'{"channel": "demo", "token": NaN, "presence": NaN, "kind": NaN}',
    "Infinity": b'{"channel": "demo", "to_queue_id": Infinity, "presence": Infinity}',
    "1e999": b'{"channel": "demo", "to_queue_id": 1e999, "presence": "away", "reason": 1e999}',
    "huge integer": b'{"channel": "demo", "to_queue_id": ' + b"9" * 5000 + b', "presence": 1}',
    "deep nesting": b'{"channel": "demo", "presence": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "an array": b'["channel", "demo"]',
    "a string": b'"demo"',
    "half a surrogate pair": b'{"channel": "\\ud800", "presence": "\\udfff"}',
    "a NUL character": b'{"channel": "de\\u0000mo", "presence": "away\\u0000"}',
}


def assert_all_refused(post) -> None:
    for name, body in UNTAKEABLE.items():
        response = post(body)
        assert response.status_code == 400, (name, response.status_code, response.content[:300])
        assert response.json(), name  # a JSON answer that says why


def test_the_widget_session_endpoint_refuses_json_it_cannot_take(client):
    WebChatChannel.objects.create(key="demo", name="Demo")
    assert_all_refused(
        lambda body: client.post("/widget/session/", body, content_type="application/json")
    )
    fine = client.post("/widget/session/", {"channel": "demo"}, content_type="application/json")
    assert fine.status_code == 200


def test_a_call_transfer_refuses_json_it_cannot_take(client):
    agent = an_agent(a_queue(name="Support"), username="alice")
    client.force_login(agent)
    url = "/channels/voice/calls/00000000-0000-0000-0000-000000000000/transfer/"
    assert_all_refused(lambda body: client.post(url, body, content_type="application/json"))


def test_the_api_refuses_json_it_cannot_take():
    agent = an_agent(a_queue(name="Support"), username="alice")
    api = client_for(agent)
    url = f"/api/v1/agents/{agent.pk}/presence/"
    assert_all_refused(lambda body: api.post(url, body, content_type="application/json"))
    assert api.post(url, {"presence": "offline"}, format="json").status_code == 200
    assert User.objects.count() == 1
