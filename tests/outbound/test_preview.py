"""Preview dialling: the agent gets the next due record of their preview campaigns with its
script, then dials it; the call is reserved to them; the rules still refuse with a reason."""

import json
from datetime import time

import pytest

from outbound.models import Campaign, CampaignContact, DialAttempt, DoNotCallList
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import a_channel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(client, api):
    queue = a_queue("Appointments", entry=None, channels=("voice",))
    agent = an_agent(queue, username="setter")
    campaign = Campaign.objects.create(
        name="Check-ups",
        queue=queue,
        mode="preview",
        active=True,
        twilio_channel=a_channel(api.url),
        script="Offer the spring check-up.",
        window_start=time(0, 0),
        window_end=time(23, 59, 59),
        window_days="0123456",
    )
    contact = CampaignContact.objects.create(
        campaign=campaign,
        customer_id="c1",
        phone="+14155550100",
        name="Ana",
        time_zone="America/Los_Angeles",
        data={"last_visit": "2025-03-01"},
    )
    client.force_login(agent)
    return agent, campaign, contact


def dial(client, contact_id):
    return client.post(
        "/console/outbound/dial/",
        json.dumps({"contact_id": contact_id}),
        content_type="application/json",
    )


def test_the_agent_sees_the_record_and_dials_it(client, api, setup):
    agent, _, contact = setup
    record = client.get("/console/outbound/next/").json()["record"]
    assert record["script"] == "Offer the spring check-up."
    assert (record["contact_id"], record["data"]) == (contact.pk, {"last_visit": "2025-03-01"})
    answer = dial(client, contact.pk)
    assert answer.status_code == 201
    attempt = DialAttempt.objects.get(pk=answer.json()["attempt_id"])
    assert (attempt.mode, attempt.agent) == ("preview", str(agent.pk))
    (placed,) = api.posted("/Calls.json")
    assert placed.field("To") == "+14155550100"
    assert client.get("/console/outbound/next/").json()["record"] is None  # it is live
    again = dial(client, contact.pk)
    assert again.status_code == 409 and "live attempt" in again.json()["error"]


def test_a_do_not_call_number_is_refused_with_its_reason(client, api, setup):
    _, _, contact = setup
    DoNotCallList.objects.create(name="internal", internal=True).numbers.create(phone=contact.phone)
    assert client.get("/console/outbound/next/").json()["record"] is None
    answer = dial(client, contact.pk)
    assert answer.status_code == 409 and "do-not-call" in answer.json()["error"]
    assert not api.posted("/Calls.json")


def test_records_of_other_queues_and_bad_input(client, api, setup):
    _, _, contact = setup
    other = an_agent(a_queue("Elsewhere", entry=None), username="other")
    client.force_login(other)
    assert client.get("/console/outbound/next/").json()["record"] is None
    assert dial(client, contact.pk).status_code == 404
    assert dial(client, "1").status_code == 400
    bad = client.post("/console/outbound/dial/", "{", content_type="application/json")
    assert bad.status_code == 400


def test_the_agent_wraps_up_a_connected_call_and_a_call_back_reopens_it(client, api, setup):
    from outbound import commands
    from outbound.models import ContactProgress, RetryRule
    from routing.models import Disposition

    agent, campaign, contact = setup
    campaign.queue.dispositions.add(
        Disposition.objects.create(code="call-back", label="Call back"),
        Disposition.objects.create(code="sale", label="Sale"),
    )
    RetryRule.objects.create(campaign=campaign, outcome="call-back", retry_after_minutes=1440)
    attempt_id = dial(client, contact.pk).json()["attempt_id"]
    commands.answer(contact, attempt_id, str(agent.pk))
    commands.end(contact, attempt_id, call_status="completed")
    assert ContactProgress.objects.get(contact_id=contact.pk).done  # connected: final

    calls = client.get("/console/outbound/wrap-up/").json()["calls"]
    assert [c["attempt_id"] for c in calls] == [attempt_id]
    assert {"call-back", "sale"} <= {d["code"] for d in calls[0]["dispositions"]}
    url = f"/console/outbound/attempts/{attempt_id}/wrap-up/"
    bad = client.post(url, json.dumps({"disposition": "nope"}), content_type="application/json")
    assert bad.status_code == 409
    done = client.post(
        url,
        json.dumps({"disposition": "call-back", "right_party": True, "converted": False}),
        content_type="application/json",
    )
    assert done.status_code == 200
    attempt = DialAttempt.objects.get(pk=attempt_id)
    assert (attempt.disposition, attempt.right_party, attempt.converted) == (
        "call-back",
        True,
        False,
    )
    progress = ContactProgress.objects.get(contact_id=contact.pk)
    assert not progress.done and progress.next_attempt_at is not None
    assert client.get("/console/outbound/wrap-up/").json()["calls"] == []
    again = client.post(url, json.dumps({"disposition": "sale"}), content_type="application/json")
    assert again.status_code == 409
