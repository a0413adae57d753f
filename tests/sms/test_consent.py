"""STOP, START and HELP: opting out is an event, and an opted-out number is never texted."""

import pytest

from channels_adapters import base
from channels_adapters.sms import consent
from channels_adapters.sms.outbound import SmsAdapter
from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.interactions.models import Interaction
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import NUMBER, a_channel
from tests.twilio_hooks import post, sms

pytestmark = pytest.mark.django_db
HOOK = "/hooks/twilio/sms/"
CUSTOMER = "+15551230001"


@pytest.fixture(autouse=True)
def line():
    a_queue("Support", entry="sms:*")
    return a_channel("http://127.0.0.1:9")  # nothing listens: any send would fail loudly


def outbound(text="Hello") -> base.OutboundMessage:
    return base.OutboundMessage(
        interaction_id="i",
        message_id="m",
        channel="sms",
        channel_key=NUMBER,
        threading_key=CUSTOMER,
        to_address=CUSTOMER,
        text=text,
    )


def test_stop_opts_the_number_out_as_an_event_and_starts_no_conversation(client):
    response = post(client, HOOK, sms("Stop"))

    assert response.status_code == 200
    (event,) = Event.objects.filter(type="SmsOptedOut")
    assert event.stream_id == f"sms-consent-{CUSTOMER}"
    assert (event.data["keyword"], event.data["channel_key"]) == ("STOP", NUMBER)
    assert consent.is_opted_out(CUSTOMER)
    assert not Interaction.objects.exists()


def test_an_opted_out_number_is_never_sent_to_and_the_reason_says_why(client):
    post(client, HOOK, sms("STOP"))

    with pytest.raises(base.PermanentFailure, match=r"\+15551230001 opted out of SMS"):
        SmsAdapter().send(outbound())


def test_start_opts_back_in(client):
    post(client, HOOK, sms("STOP"))
    post(client, HOOK, sms("start"))

    assert not consent.is_opted_out(CUSTOMER)
    assert [e.type for e in Event.objects.filter(stream_id=f"sms-consent-{CUSTOMER}")] == [
        "SmsOptedOut",
        "SmsOptedIn",
    ]


def test_a_redelivered_stop_is_recorded_once(client):
    params = sms("STOP")
    for _ in range(3):
        post(client, HOOK, params)

    assert Event.objects.filter(type="SmsOptedOut").count() == 1


def test_stop_in_an_open_conversation_is_on_its_record_and_answered_by_nobody(client):
    post(client, HOOK, sms("I need help"))
    post(client, HOOK, sms("STOP"))

    row = Interaction.objects.get()
    assert row.message_count == 2 and row.state == "queued"
    # Message text is sealed in the log (privacy); the store opens it.
    (stop,) = [
        e
        for e in store.read_all(horizon=False)
        if e.type == "MessageReceived" and e.data["text"] == "STOP"
    ]
    assert stop.data["automated"] is True


def test_help_is_answered_with_the_channels_help_text(client, line):
    response = post(client, HOOK, sms("HELP"))

    assert response.text.endswith(f"<Response><Message>{line.help_text}</Message></Response>")
    assert not Interaction.objects.exists()


def test_the_console_can_ask_whether_a_number_may_be_texted(client):
    client.force_login(an_agent(username="agent", available=False))
    post(client, HOOK, sms("STOP"))

    answer = client.get("/channels/sms/consent/", {"number": "(555) 123-0001"}).json()
    other = client.get("/channels/sms/consent/", {"number": "+15551239999"}).json()

    assert answer["opted_out"] is True and answer["keyword"] == "STOP"
    assert answer["reason"] == "+15551230001 replied STOP: no SMS is sent until they reply START"
    assert other == {"number": "+15551239999", "opted_out": False}
    assert client.get("/channels/sms/consent/", {"number": "x"}).status_code == 400
