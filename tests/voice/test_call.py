"""Whole phone calls, scripted as the requests Twilio makes: the flow in TwiML, the queue, the
agent's accept bridging the call through the REST API, the end, wrap-up; and the caller who
hangs up in queue, asks for a callback, or leaves a voicemail."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import offers, router
from routing.flows.models import FlowSession
from tests.flows.builders import a_flow, at_entry
from tests.twilio_api import ACCOUNT, NUMBER
from tests.voice.phone import Phone
from tests.voice.twiml_rules import check_twiml

pytestmark = pytest.mark.django_db(transaction=True)


def the_interaction() -> Interaction:
    return Interaction.objects.get(channel="voice")


def events(interaction_id: str, *types: str) -> list:
    return [e for e in store.read_stream(stream_id(interaction_id)) if e.type in types]


def accept() -> Interaction:
    router.route_once()
    row = the_interaction()
    assert row.state == "offered", row.state
    offers.accept_offer(row.id, row.offer_id, row.offer_agent_id)  # what /ws/agent/ calls
    return Interaction.objects.get(pk=row.id)


def to_the_billing_queue(phone: Phone) -> None:
    phone.dial_in()
    assert phone.said() == [
        "Welcome to Acme.",
        "What do you need? For Billing, press 1. For Sales, press 2. For Support, press 3.",
    ]
    gather = phone.twiml.find("Gather")
    assert (gather.get("input"), gather.get("numDigits")) == ("dtmf speech", "1")
    phone.press("1")
    assert phone.said() == ["Your account number?"]
    assert phone.twiml.find("Gather").get("finishOnKey") == "#"
    phone.press("123456")


def test_a_call_runs_its_flow_waits_is_bridged_to_the_agent_and_ends_in_wrap_up(
    client, api, line, agent, settings
):
    settings.CSAT_SURVEY_CHANNELS = []  # else the caller is asked to rate the call first
    phone = Phone(client)
    to_the_billing_queue(phone)

    assert phone.said()[:2] == ["Connecting you.", "You are next in line."]
    assert phone.twiml.find("Gather/Play").text == line.hold_music_url
    row = the_interaction()
    assert (row.state, row.required_skills) == ("queued", {"billing": 5})

    row = accept()

    (update,) = api.posted(f"/Calls/{phone.call_sid}.json")
    assert update.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{phone.call_sid}.json"
    bridge = check_twiml(update.field("Twiml"))
    assert bridge.find("Dial/Number").text == "+15557770001"
    assert bridge.find("Dial").get("action") == "http://127.0.0.1:8000/hooks/twilio/voice/dial/"
    (dialed,) = events(row.id, "CallDialed")
    assert (dialed.data["agent_id"], dialed.data["error"]) == (agent.pk, "")

    with clock.travel(timedelta(seconds=50)):
        assert phone.agent_leg_ends("completed", seconds=42) is not None
    assert phone.verbs() == ["Hangup"]
    phone.status("completed", duration=95)

    row = Interaction.objects.get(pk=row.id)
    assert row.state == "wrap_up"
    (ended,) = events(row.id, "CallEnded")
    assert ended.data["status"] == "completed" and ended.data["duration_seconds"] == 95
    assert ended.data["talk_seconds"] == 42 and 7 <= ended.data["ring_seconds"] <= 9
    (wrap,) = events(row.id, "WrapUpStarted")
    assert wrap.data["reason"] == "customer_left"

    offers.wrap_up(row.id, agent.pk, disposition="resolved")
    assert Interaction.objects.get(pk=row.id).state == "closed"
    session = FlowSession.objects.get(pk=row.id)
    assert session.attributes["account_number"] == "123456"


def test_a_caller_who_hangs_up_in_queue_abandoned_with_their_wait(client, api, line, agent):
    from routing.presence import set_presence

    set_presence(agent.pk, "away", "break")
    phone = Phone(client)
    to_the_billing_queue(phone)

    with clock.travel(timedelta(seconds=30)):
        phone.status("completed", duration=40)
        phone.status("completed", duration=40)  # redelivered: once

    row = the_interaction()
    assert (row.state, row.close_reason) == ("abandoned", "hung_up")
    (abandoned,) = events(row.id, "InteractionAbandoned")
    assert 29 <= abandoned.data["waited_seconds"] <= 32
    assert len(events(row.id, "CallEnded")) == 1


def test_a_caller_who_hangs_up_in_the_menu_dropped_out_there(client, api, line, agent):
    phone = Phone(client)
    phone.dial_in()

    phone.status("completed", duration=5)

    session = FlowSession.objects.get()
    assert (session.outcome, session.current_step) == ("abandoned", "menu")


def test_the_callback_key_keeps_the_place_and_the_agents_accept_places_the_call(
    client, api, line, agent
):
    from routing.presence import set_presence

    set_presence(agent.pk, "away", "break")
    phone = Phone(client)
    to_the_billing_queue(phone)
    assert "press 9" in phone.said()[-1]

    gather = phone.twiml.find("Gather")
    phone._post(gather.get("action").removeprefix("http://127.0.0.1:8000"), Digits="9")
    assert phone.verbs()[-1] == "Hangup"
    phone.status("completed", duration=60)

    row = the_interaction()
    assert row.state == "queued"  # still in line, at its place
    (requested,) = events(row.id, "CallbackRequested")
    assert (requested.data["number"], requested.data["source"]) == ("+15551230002", "queue")

    set_presence(agent.pk, "available")
    row = accept()

    (placed,) = api.posted("/Calls.json")
    assert (placed.field("To"), placed.field("From")) == ("+15551230002", NUMBER)
    assert placed.field("StatusCallback") == "http://127.0.0.1:8000/hooks/twilio/voice/status/"
    assert check_twiml(placed.field("Twiml")).find("Dial/Number").text == "+15557770001"
    (callback,) = events(row.id, "CallbackPlaced")
    callback_sid = callback.data["call_sid"]
    assert callback_sid.startswith("CA") and callback.data["error"] == ""

    phone.status_of_callback(callback_sid, "completed", duration=120)

    assert Interaction.objects.get(pk=row.id).state == "wrap_up"
    directions = [e.data["direction"] for e in events(row.id, "CallStarted")]
    assert directions == ["inbound", "callback"]


def test_a_voicemail_with_its_transcription_waits_for_an_agent_like_an_email(client, api, queues):
    from tests.twilio_api import a_channel

    flow = a_flow(
        "leave",
        {
            "leave": {
                "kind": "voicemail",
                "text": "We are closed. Leave a message after the tone.",
                "queue": queues["support"],
            }
        },
    )
    at_entry(flow, "voice", queues["support"])
    line = a_channel(api.url)
    phone = Phone(client)

    phone.dial_in()
    assert phone.verbs() == ["Say", "Record", "Redirect"]
    record = phone.twiml.find("Record")
    assert record.get("transcribe") == "true" and record.get("maxLength") == "120"
    phone.leave_message(seconds=12)
    assert (
        phone.said()[-1].startswith("Thank you for your message") and phone.verbs()[-1] == "Hangup"
    )
    phone.status("completed", duration=20)
    params = {
        "CallSid": phone.call_sid,
        "AccountSid": ACCOUNT,
        "From": "+15551230002",
        "To": NUMBER,
        "RecordingSid": "RE" + "1" * 32,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE1",
        "TranscriptionSid": "TR" + "1" * 32,
        "TranscriptionText": "Hi, please call me about my invoice.",
        "TranscriptionStatus": "completed",
    }
    from tests.twilio_hooks import post

    assert post(client, "/hooks/twilio/voice/transcription/", params).status_code == 204
    assert post(client, "/hooks/twilio/voice/transcription/", params).status_code == 204

    row = the_interaction()
    assert (row.state, row.queue_id) == ("queued", queues["support"].pk)
    (message,) = [e for e in events(row.id, "MessageReceived") if e.data["attachments"]]
    assert message.data["attachments"][0]["url"].endswith("/Recordings/RE1")
    (text,) = events(row.id, "VoicemailTranscribed")
    assert text.data["text"] == "Hi, please call me about my invoice."
    assert line.voice_enabled


def test_silence_repeats_the_prompt_then_the_default_exit_queues_the_call(client, api, line):
    phone = Phone(client)
    phone.dial_in()

    phone.stay_silent()
    assert phone.said() == [
        "Sorry, I did not get that. What do you need? For Billing, press 1. For Sales, press 2. "
        "For Support, press 3."
    ]
    phone.stay_silent()
    phone.stay_silent()

    assert the_interaction().state == "queued"
    assert "You are next in line." in phone.said()


def test_speech_picks_an_option_too(client, api, line, queues):
    phone = Phone(client)
    phone.dial_in()

    phone.say_words("Sales, please.")

    row = the_interaction()
    assert (row.state, row.queue_id) == ("queued", queues["sales"].pk)
    answered = events(row.id, "FlowAnswerGiven")[0]
    assert (answered.data["value"], answered.data["label"]) == ("2", "Sales")


def test_a_replayed_request_appends_nothing_and_hears_the_same(client, api, line):
    phone = Phone(client)
    first = ET.tostring(phone.dial_in())
    count = Event.objects.count()

    again = ET.tostring(phone.dial_in())

    assert again == first and Event.objects.count() == count


@pytest.mark.parametrize("signature", [False, "bm90IGEgc2lnbmF0dXJl"], ids=["missing", "bad"])
def test_an_unsigned_call_is_refused(client, api, line, signature):
    from tests.twilio_hooks import call, post

    response = post(client, "/hooks/twilio/voice/", call("CA" + "9" * 32), signature=signature)

    assert response.status_code == 403 and not Event.objects.exists()
