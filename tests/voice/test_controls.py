"""Call controls the console posts to: hold, resume, transfer, hang up. Each changes the live
call through Twilio's REST API and is recorded; only the agent on the call may use them."""

from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from tests.routing.builders import an_agent
from tests.voice.twiml_rules import check_twiml

pytestmark = pytest.mark.django_db(transaction=True)


def control(client, interaction_id: str, action: str, **body):
    return client.post(
        f"/channels/voice/calls/{interaction_id}/{action}/", body, content_type="application/json"
    )


def twiml_sent(api, n: int = -1):
    return check_twiml(api.posted(".json")[n].field("Twiml"))


def test_hold_plays_music_and_resume_rings_the_agent_again(client, api, on_the_call):
    response = control(client, on_the_call, "hold")

    assert response.status_code == 200 and response.json()["ok"]
    assert twiml_sent(api).find("Play").get("loop") == "0"
    with clock.travel(timedelta(seconds=20)):
        assert control(client, on_the_call, "resume").status_code == 200
    assert twiml_sent(api).find("Dial/Number").text == "+15557770001"
    _held, resumed = [
        e
        for e in store.read_stream(stream_id(on_the_call))
        if e.type in ("CallHeld", "CallResumed")
    ]
    assert 19 <= resumed.data["held_seconds"] <= 22
    assert control(client, on_the_call, "resume").status_code == 409  # not on hold


def test_transfer_puts_the_caller_back_in_line(client, api, on_the_call, queues):
    response = control(
        client, on_the_call, "transfer", kind="queue", to_queue_id=queues["sales"].pk
    )

    assert response.status_code == 200
    last = api.requests[-1]
    assert last.field("Url") == "http://127.0.0.1:8000/hooks/twilio/voice/wait/"
    row = Interaction.objects.get(pk=on_the_call)
    assert (row.state, row.queue_id) == ("queued", queues["sales"].pk)


def test_hang_up_ends_the_call_and_starts_wrap_up(client, api, on_the_call, settings):
    settings.CSAT_SURVEY_CHANNELS = []  # else the caller is asked to rate the call first
    assert control(client, on_the_call, "hangup").status_code == 200

    assert api.requests[-1].field("Status") == "completed"
    assert Interaction.objects.get(pk=on_the_call).state == "wrap_up"


def test_another_agent_cannot_control_the_call(client, api, on_the_call):
    client.force_login(an_agent(username="someone", available=False))
    calls_before = len(api.requests)

    response = control(client, on_the_call, "hold")

    assert response.status_code == 409
    assert response.json()["error"] == "only the agent on the call can control it"
    assert len(api.requests) == calls_before


def test_a_refusal_from_twilio_is_a_502_and_records_nothing(client, api, on_the_call):
    api.fail_with = 404

    response = control(client, on_the_call, "hold")

    assert response.status_code == 502 and "Twilio answered 404" in response.json()["error"]
    assert not [e for e in store.read_stream(stream_id(on_the_call)) if e.type == "CallHeld"]


def test_controls_need_a_login_and_a_known_action(client, api, on_the_call):
    assert control(client, on_the_call, "mute").status_code == 404
    client.logout()
    assert control(client, on_the_call, "hold").status_code == 302
