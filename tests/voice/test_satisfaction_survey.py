"""The keypad survey: when the agent hangs up from the console and the caller is still on the
line, Twilio's REST API moves the call to one question (a Gather for one key); the key the
caller presses comes back to /hooks/twilio/voice/survey/, signed, and is the rating."""

from urllib.parse import urlsplit

import pytest

from channels_adapters.voice.models import Call
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from tests.twilio_hooks import call, post
from tests.voice.conftest import an_answered_call
from tests.voice.twiml_rules import check_twiml

pytestmark = pytest.mark.django_db(transaction=True)


def hang_up(client, interaction_id: str):
    return client.post(
        f"/channels/voice/calls/{interaction_id}/hangup/", {}, content_type="application/json"
    )


def the_question(api):
    """The TwiML the caller's call was moved to, and the Gather's action path."""
    document = check_twiml(api.posted(".json")[-1].field("Twiml"))
    gather = document.find("Gather")
    return gather, urlsplit(gather.get("action")).path


def key_pressed(client, interaction_id: str, path: str, digits: str, **signed):
    """Twilio's request for the Gather's action: the caller's call, the key they pressed."""
    caller = Call.objects.get(interaction_id=interaction_id)
    params = call(caller.call_sid, caller.customer_number, Digits=digits)
    return post(client, path, params, **signed)


def test_the_caller_hears_the_question_and_their_key_is_the_rating(client, api, on_the_call):
    interaction_id = on_the_call

    assert hang_up(client, interaction_id).status_code == 200

    gather, path = the_question(api)
    assert (gather.get("input"), gather.get("numDigits")) == ("dtmf", "1")
    assert "rate this call" in gather.find("Say").text
    assert path == "/hooks/twilio/voice/survey/"
    assert Interaction.objects.get(pk=interaction_id).state == "wrap_up"

    answer = key_pressed(client, interaction_id, path, "4")

    assert answer.status_code == 200
    spoken = check_twiml(answer.text)
    assert "Thank you for your rating" in spoken.find("Say").text
    assert spoken.find("Hangup") is not None
    assert Interaction.objects.get(pk=interaction_id).csat_rating == 4
    # Twilio retries the request: still one rating.
    assert key_pressed(client, interaction_id, path, "4").status_code == 200
    types = [e.type for e in store.read_stream(stream_id(interaction_id))]
    assert types.count("CsatRated") == 1 and types.count("CsatSurveySent") == 1


def test_another_key_is_a_goodbye_without_a_rating(client, api, on_the_call):
    interaction_id = on_the_call
    hang_up(client, interaction_id)
    _, path = the_question(api)

    answer = key_pressed(client, interaction_id, path, "9")

    assert answer.status_code == 200 and check_twiml(answer.text).find("Say").text == "Goodbye."
    assert Interaction.objects.get(pk=interaction_id).csat_rating is None


def test_an_unsigned_key_press_is_refused(client, api, on_the_call):
    interaction_id = on_the_call
    hang_up(client, interaction_id)
    _, path = the_question(api)

    forged = key_pressed(client, interaction_id, path, "1", signature=False)

    assert forged.status_code == 403
    assert Interaction.objects.get(pk=interaction_id).csat_rating is None


def test_without_the_voice_survey_hanging_up_ends_the_call(client, api, on_the_call, settings):
    settings.CSAT_SURVEY_CHANNELS = ["sms"]
    interaction_id = on_the_call

    assert hang_up(client, interaction_id).status_code == 200

    assert api.requests[-1].field("Status") == "completed"
    assert "CsatSurveySent" not in [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_when_the_agents_phone_hangs_up_the_caller_is_asked_too(client, api, line, agent):
    phone, interaction_id = an_answered_call(client, agent)

    asked = phone.agent_leg_ends("completed", seconds=42)  # the caller is still on the line

    assert asked.find("Gather").get("numDigits") == "1"
    wrap = [e for e in store.read_stream(stream_id(interaction_id)) if e.type == "WrapUpStarted"]
    assert [e.data["reason"] for e in wrap] == ["agent_ended"]
    assert phone.press("5").find("Hangup") is not None
    phone.status("completed", duration=95)  # then the caller hangs up: nothing more ends
    row = Interaction.objects.get(pk=interaction_id)
    assert (row.state, row.csat_rating) == ("wrap_up", 5)
