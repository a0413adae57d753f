"""Click-to-call from the customer panel: do-not-call and the agent's softphone are checked
first, with the reason, and nothing is placed; otherwise Twilio (a local stand-in for its REST
API) is asked to ring the customer, and when they answer, the answer URL connects the call's
audio to the platform (<Connect><Stream>, with a token for this call) where the agent's
softphone is. The interaction is outbound voice, the agent's, every step an event.
(The audio itself: tests/voice/media/test_click_to_call_audio.py.)"""

import json

import pytest

from channels_adapters.voice.media import tokens
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import normalise
from outbound.models import DoNotCallList, DoNotCallNumber
from routing import config, presence
from routing.models import AgentProfile
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import NUMBER, TwilioApi, a_channel
from tests.twilio_hooks import post
from tests.voice.media.twilio_stream import stream_of
from tests.voice.twiml_rules import check_twiml

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "+14155550100"


@pytest.fixture
def api():
    api = TwilioApi()
    server, api.url = api.serve()
    yield api
    server.shutdown()


@pytest.fixture
def agent(client, api):
    """An agent on the console's softphone, turned on; a Twilio line with voice."""
    a_channel(api.url)
    queue = a_queue("Support", entry="webchat:*", channels=("voice", "webchat"))
    user = an_agent(queue, username="ana")
    AgentProfile.objects.filter(user=user).update(voice_endpoint=tokens.SOFTPHONE)
    config.invalidate()
    presence.set_softphone(user.pk, True)
    client.force_login(user)
    return user


def known_customer(agent, number: str = CUSTOMER) -> str:
    """A customer whose chat the agent had (so may see them), with a phone number."""
    result = ingest(chat_message(text="Please call me about my order"))
    Interaction.objects.filter(pk=result.interaction_id).update(agent_id=agent.pk)
    customer_id = Interaction.objects.get(pk=result.interaction_id).customer_id
    customers.add_identity(customer_id, normalise("phone", number))
    return customer_id


@pytest.fixture
def customer(agent) -> str:
    return known_customer(agent)


def call_button(client, customer_id) -> dict:
    channels = client.get(f"/console/customers/{customer_id}/reach/").json()["channels"]
    return next(c for c in channels if c["channel"] == "voice")


def click_call(client, customer_id):
    return client.post(
        f"/console/customers/{customer_id}/contact/",
        json.dumps({"channel": "voice"}),
        content_type="application/json",
    )


def twilio_asks(client, path: str, call_sid: str, **fields):
    """A request of Twilio's about the call we placed: ours is From, the customer To."""
    return post(
        client,
        path,
        {
            "CallSid": call_sid,
            "AccountSid": "AC" + "1" * 32,
            "From": NUMBER,
            "To": CUSTOMER,
            "Direction": "outbound-api",
            "ApiVersion": "2010-04-01",
            **fields,
        },
    )


def logged(interaction_id: str) -> list:
    return list(store.read_stream(stream_id(interaction_id)))


def sid_of(interaction_id: str) -> str:
    """The CallSid Twilio gave the call (recorded in CallStarted)."""
    (started,) = [e for e in logged(interaction_id) if e.type == "CallStarted"]
    return started.data["call_sid"]


def test_the_call_rings_the_customer_and_their_answer_brings_the_audio_to_the_platform(
    client, api, agent, customer, settings
):
    assert call_button(client, customer) == {
        "channel": "voice",
        "allowed": True,
        "address": CUSTOMER,
        "reason": "",
    }
    answer = click_call(client, customer)
    assert answer.status_code == 201, answer.content
    row = Interaction.objects.get(pk=answer.json()["interaction_id"])
    assert (row.channel, row.direction, row.state, row.agent_id) == (
        "voice",
        "outbound",
        "active",
        agent.pk,
    )
    (placed,) = api.posted("/Calls.json")
    base = settings.PUBLIC_URL.rstrip("/")
    assert placed.field("To") == CUSTOMER and placed.field("From") == NUMBER
    assert placed.field("Url") == f"{base}/hooks/twilio/voice/outbound/"
    assert placed.field("StatusCallback") == f"{base}/hooks/twilio/voice/status/"
    events = logged(row.id)
    assert [e.type for e in events] == [
        "InteractionCreated",
        "InteractionAssigned",
        "CallStarted",
        "CallDialed",
    ]
    assert events[2].data["direction"] == "outbound"
    call_sid = events[2].data["call_sid"]
    assert call_sid.startswith("CA")
    assert (events[3].data["agent_id"], events[3].data["endpoint"]) == (agent.pk, "softphone")

    picked_up = twilio_asks(
        client, "/hooks/twilio/voice/outbound/", call_sid, CallStatus="in-progress"
    )
    assert picked_up.status_code == 200
    check_twiml(picked_up.text)
    url, parameters = stream_of(picked_up.text)
    assert url == tokens.stream_url(base)
    assert tokens.check(parameters["token"], call_sid) == row.id
    assert "<Say" not in picked_up.text  # the agent is on the line already: no announcement

    ended = twilio_asks(
        client, "/hooks/twilio/voice/status/", call_sid, CallStatus="completed", CallDuration="64"
    )
    assert ended.status_code == 204
    assert Interaction.objects.get(pk=row.id).state == "wrap_up"
    assert [e.type for e in logged(row.id)][-2:] == ["CallEnded", "WrapUpStarted"]


def test_a_do_not_call_number_is_refused_with_its_reason_and_nothing_is_placed(
    client, api, agent, customer
):
    internal = DoNotCallList.objects.create(name="internal", internal=True)
    DoNotCallNumber.objects.create(list=internal, phone=CUSTOMER)
    button = call_button(client, customer)
    assert not button["allowed"]
    assert button["reason"] == f"{CUSTOMER} is on the do-not-call list 'internal'"
    answer = click_call(client, customer)
    assert answer.status_code == 409
    assert "do-not-call list 'internal'" in answer.json()["error"]
    assert api.requests == []
    assert not Interaction.objects.filter(channel="voice").exists()


def test_the_agent_must_be_on_the_softphone_turned_on_and_free(client, api, agent, customer):
    presence.set_softphone(agent.pk, False)
    answer = click_call(client, customer)
    assert answer.status_code == 409 and "turn the softphone on" in answer.json()["error"]
    presence.set_softphone(agent.pk, True)
    assert click_call(client, customer).status_code == 201
    answer = click_call(client, customer)  # the first call is still live
    assert answer.status_code == 409 and "on a call already" in answer.json()["error"]
    assert len(api.posted("/Calls.json")) == 1

    AgentProfile.objects.filter(user=agent).update(voice_endpoint="+15557770001")
    config.invalidate()
    button = call_button(client, customer)
    assert not button["allowed"] and "softphone" in button["reason"]


def test_twilio_refusing_the_call_records_nothing_and_says_why(client, api, agent, customer):
    api.fail_with = 400
    answer = click_call(client, customer)
    assert answer.status_code == 409
    assert "Twilio did not place the call" in answer.json()["error"]
    assert "not a valid phone number" in answer.json()["error"]
    assert not Interaction.objects.filter(channel="voice").exists()


def test_hanging_up_while_it_rings_cancels_the_call_and_a_late_answer_hears_goodbye(
    client, api, agent, customer
):
    row_id = click_call(client, customer).json()["interaction_id"]
    call_sid = sid_of(row_id)
    hung_up = client.post(f"/channels/voice/calls/{row_id}/hangup/")
    assert hung_up.status_code == 200, hung_up.content
    assert api.posted(f"/Calls/{call_sid}.json")[-1].field("Status") == "completed"
    assert Interaction.objects.get(pk=row_id).state == "wrap_up"
    late = twilio_asks(client, "/hooks/twilio/voice/outbound/", call_sid, CallStatus="in-progress")
    assert "<Hangup" in late.text and "<Stream" not in late.text


def test_no_answer_ends_the_call_in_the_agents_wrap_up(client, api, agent, customer):
    row_id = click_call(client, customer).json()["interaction_id"]
    call_sid = sid_of(row_id)
    twilio_asks(client, "/hooks/twilio/voice/status/", call_sid, CallStatus="no-answer")
    row = Interaction.objects.get(pk=row_id)
    assert row.state == "wrap_up"
    (ended,) = [e for e in logged(row_id) if e.type == "CallEnded"]
    assert ended.data["status"] == "no-answer"


def test_only_twilio_may_answer_for_the_call(client, api, agent, customer):
    click_call(client, customer)
    unsigned = client.post(
        "/hooks/twilio/voice/outbound/", {"CallSid": "CA1", "From": NUMBER, "To": CUSTOMER}
    )
    assert unsigned.status_code == 403
    unknown = twilio_asks(client, "/hooks/twilio/voice/outbound/", "CA" + "9" * 32)
    assert unknown.status_code == 404
