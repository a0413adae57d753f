"""Nothing from Slack is believed before its signature checks out with the signing secret."""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest

from contactcenter import clock
from contactcenter.events import store
from tests.slack.payloads import envelope, message, post_event, signature_headers

pytestmark = pytest.mark.django_db


def test_the_url_verification_challenge_is_answered(client, slack):
    challenge = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }

    answer = post_event(client, challenge)

    assert answer.status_code == 200
    assert answer.json() == {"challenge": challenge["challenge"]}


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, slack):
    answer = post_event(client, envelope(message()), secret="someone-elses-secret")

    assert answer.status_code == 401
    assert "signature" in answer.json()["error"]
    assert store.count() == 0


def test_a_stale_timestamp_is_refused_as_a_replay(client, slack):
    six_minutes_ago = int((clock.now() - timedelta(minutes=6)).timestamp())

    answer = post_event(client, envelope(message()), timestamp=six_minutes_ago)

    assert answer.status_code == 401
    assert store.count() == 0


def test_a_replayed_request_is_refused_once_five_minutes_have_passed(client, slack):
    body = json.dumps(envelope(message())).encode()
    headers = signature_headers(body)
    with clock.travel(timedelta(minutes=5, seconds=30)):
        answer = client.post(
            "/hooks/slack/events/", body, content_type="application/json", **headers
        )
    assert answer.status_code == 401 and store.count() == 0


def test_missing_headers_a_garbled_timestamp_or_a_body_that_is_no_json_get_a_reason(client, slack):
    body = json.dumps(envelope(message())).encode()
    unsigned = client.post("/hooks/slack/events/", body, content_type="application/json")
    garbled = client.post(
        "/hooks/slack/events/",
        body,
        content_type="application/json",
        HTTP_X_SLACK_REQUEST_TIMESTAMP="yesterday",
        HTTP_X_SLACK_SIGNATURE="v0=00",
    )
    not_json = client.post(
        "/hooks/slack/events/",
        b"<xml/>",
        content_type="application/json",
        **signature_headers(b"<xml/>"),
    )

    assert (unsigned.status_code, garbled.status_code, not_json.status_code) == (401, 401, 400)
    assert not_json.json()["error"].startswith("the body is not a JSON object: not JSON")
    assert store.count() == 0


UNREADABLE = [
    b"<xml/>",
    b'{"type": "event_callback", "event_id": NaN}',
    b'{"type": "event_callback", "team_id": 1e999}',
    b'{"team_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'[{"type": "url_verification"}]',
]


@pytest.mark.parametrize("path", ["/hooks/slack/events/", "/hooks/slack/interactions/"])
def test_the_signature_is_checked_before_the_body_is_parsed(client, slack, path):
    for body in UNREADABLE:
        if path.endswith("interactions/"):
            body = b"payload=" + quote(body).encode()
        unsigned = client.post(path, body, content_type="application/json")
        signed = client.post(path, body, content_type="application/json", **signature_headers(body))
        assert unsigned.status_code == 401, (body[:40], unsigned.content)
        assert signed.status_code == 400, (body[:40], signed.content)
    assert store.count() == 0


def test_a_workspace_we_do_not_answer_for_is_refused(client, slack):
    answer = post_event(client, envelope(message(), team="T0STRANGER"))

    assert answer.status_code == 401 and store.count() == 0


def test_only_post_is_accepted(client, slack):
    assert client.get("/hooks/slack/events/").status_code == 405
