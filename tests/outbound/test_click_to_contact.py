"""Click-to-contact from the customer panel: consent and do-not-call are checked first, with
the reason; access as everywhere in the console; bad input is a 4xx."""

import json

import pytest

from channels_adapters.email.models import EmailChannel
from channels_adapters.sms import consent
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import normalise
from outbound.models import DoNotCallList, DoNotCallNumber
from routing import config
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import a_channel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seen(client):
    """An agent who has the customer's chat (so may see them), and the customer."""
    queue = a_queue("Support", entry="webchat:*")
    agent = an_agent(queue, username="ana")
    config.invalidate()
    result = ingest(chat_message(text="hello"))
    Interaction.objects.filter(pk=result.interaction_id).update(agent_id=agent.pk)
    customer_id = Interaction.objects.get(pk=result.interaction_id).customer_id
    customers.add_identity(customer_id, normalise("phone", "+14155550100"))
    customers.add_identity(customer_id, normalise("email", "vera@example.org"))
    client.force_login(agent)
    return customer_id


def channels(client, customer_id) -> dict:
    answer = client.get(f"/console/customers/{customer_id}/reach/")
    assert answer.status_code == 200
    return {c["channel"]: c for c in answer.json()["channels"]}


def start(client, customer_id, **body):
    return client.post(
        f"/console/customers/{customer_id}/contact/",
        json.dumps(body),
        content_type="application/json",
    )


def test_each_channel_says_whether_and_why_not(client, seen):
    a_channel("")
    EmailChannel.objects.create(name="Support", addresses="support@example.com")
    found = channels(client, seen)
    assert found["sms"]["allowed"] and found["email"]["allowed"]
    assert not found["slack"]["allowed"] and "no slack identity" in found["slack"]["reason"]
    assert not found["voice"]["allowed"] and "softphone" in found["voice"]["reason"]


def test_an_sms_opt_out_is_refused_with_its_reason(client, seen):
    a_channel("")
    consent.record("+14155550100", "+15005550006", "STOP")
    assert "replied STOP" in channels(client, seen)["sms"]["reason"]
    answer = start(client, seen, channel="sms", text="Hi Vera")
    assert answer.status_code == 409
    assert "replied STOP" in answer.json()["error"]
    assert not Interaction.objects.filter(channel="sms").exists()


def test_a_do_not_call_number_is_refused_for_calls_and_texts(client, seen):
    a_channel("")
    internal = DoNotCallList.objects.create(name="internal", internal=True)
    DoNotCallNumber.objects.create(list=internal, phone="+14155550100")
    found = channels(client, seen)
    for channel in ("sms", "voice"):
        assert "do-not-call list 'internal'" in found[channel]["reason"]
    assert start(client, seen, channel="sms", text="Hi").status_code == 409


def test_an_email_conversation_starts(client, seen):
    EmailChannel.objects.create(name="Support", addresses="support@example.com")
    answer = start(client, seen, channel="email", text="Following up on your chat")
    assert answer.status_code == 201
    row = Interaction.objects.get(pk=answer.json()["interaction_id"])
    assert (row.channel, row.customer_id, row.direction) == ("email", seen, "outbound")


def test_bad_input_is_a_4xx(client, seen):
    url = f"/console/customers/{seen}/contact/"
    assert client.post(url, "nope", content_type="application/json").status_code == 400
    assert client.post(url, "[1]", content_type="application/json").status_code == 400
    assert start(client, seen, channel="fax", text="x").status_code == 400
    assert start(client, seen, channel="email", text=" ").status_code == 400


def test_a_customer_the_agent_may_not_see_answers_like_none(client, seen):
    other, _ = customers.identify(normalise("email", "someone@example.org"))
    assert client.get(f"/console/customers/{other}/reach/").status_code == 404
    assert start(client, other, channel="email", text="hi").status_code == 404


def test_anonymous_is_sent_to_log_in(seen):
    from django.test import Client

    assert Client().get(f"/console/customers/{seen}/reach/").status_code == 302
