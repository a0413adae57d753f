"""The softphone's and the supervisor's signalling refuse what they cannot take with a 4xx that
says why, before anything is read or joined: not logged in, not an agent (or supervisor), not
their call, a body that is no offer."""

import pytest

from tests.routing.builders import an_agent
from tests.voice.media.test_stream_refusals import on_the_call  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

BAD_BODIES = [
    b"channel=demo",
    b'{"type": "offer", "sdp": NaN}',
    b'{"type": "offer", "sdp": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'["offer"]',
    b'{"type": "answer", "sdp": "v=0"}',
    b'{"type": "offer", "sdp": "hello"}',
]


def post(client, path: str, body: bytes):
    return client.generic("POST", path, body, content_type="application/json")


def test_the_softphone_refuses_bad_offers_and_strangers(client, on_the_call, agent, queues):  # noqa: F811
    _call_sid, interaction_id = on_the_call
    path = f"/channels/voice/calls/{interaction_id}/softphone/"
    assert post(client, path, b"{}").status_code == 401
    client.force_login(agent)
    for body in BAD_BODIES:
        response = post(client, path, body)
        assert response.status_code == 400, (body[:40], response.content)
        assert response.json()["error"]
    assert client.get(path).status_code == 405
    client.force_login(an_agent(queues["support"]))
    response = post(client, path, b'{"type": "offer", "sdp": "v=0"}')
    assert response.status_code == 409 and "only the agent" in response.json()["error"]


def test_supervision_refuses_agents_bad_modes_and_calls_off_the_media_path(
    client,
    on_the_call,  # noqa: F811
    agent,
    queues,
):
    _call_sid, interaction_id = on_the_call
    path = f"/channels/voice/calls/{interaction_id}/supervise/"
    client.force_login(agent)
    assert post(client, path, b'{"mode": "listen"}').status_code == 403
    client.force_login(an_agent(queues["sales"], supervisor=True))
    for body in [*BAD_BODIES, b'{"mode": "shout"}']:
        assert post(client, path, body).status_code == 400, body[:40]
    response = post(client, path, b'{"mode": "listen", "type": "offer", "sdp": "v=0"}')
    assert response.status_code == 409  # its audio is Twilio's <Dial>, not on the platform
