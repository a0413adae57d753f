"""The live dialler against a local fake of Twilio's REST API: pacing, the calls it places
(with asynchronous AMD), Twilio's signed callbacks, and the events that record all of it."""

from datetime import time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from contactcenter import clock
from contactcenter.events import store
from outbound import dialer
from outbound.models import (
    Campaign,
    CampaignContact,
    ContactProgress,
    DialAttempt,
    DoNotCallList,
    DoNotCallNumber,
)
from routing import config
from routing.models import AgentProfile
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import a_channel
from tests.twilio_hooks import post, sid

pytestmark = pytest.mark.django_db(transaction=True)
LATER = timedelta(seconds=120)  # past the blending idle threshold


@pytest.fixture
def campaign(api):
    queue = a_queue("Renewals", entry=None, channels=("voice",))
    for n in (1, 2):
        user = an_agent(queue, username=f"caller{n}")
        AgentProfile.objects.filter(user=user).update(voice_endpoint=f"+1555777000{n}")
    config.invalidate()
    campaign = Campaign.objects.create(
        name="Renewals",
        queue=queue,
        mode="progressive",
        active=True,
        twilio_channel=a_channel(api.url),
        window_start=time(0, 0),
        window_end=time(23, 59, 59),
        window_days="0123456",
        max_attempts=3,
    )
    for n, phone in enumerate(("+14155550101", "+14155550102", "+14155550103")):
        CampaignContact.objects.create(
            campaign=campaign,
            customer_id=f"c{n}",
            phone=phone,
            name=f"Person {n}",
            time_zone="America/Los_Angeles",
        )
    return campaign


def query(request) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.field("Url")).query).items()}


def callback(client, request, kind: str, **params):
    url = urlsplit(
        request.field(
            {"answer": "Url", "status": "StatusCallback", "amd": "AsyncAmdStatusCallback"}[kind]
        )
    )
    form = {
        "AccountSid": request.account,
        "From": "+15005550006",
        "To": request.field("To"),
        "CallSid": params.pop("CallSid", "CA" + "0" * 32),
        **params,
    }
    return post(client, f"{url.path}?{url.query}", form)


def test_progressive_dials_one_line_per_ready_agent_with_amd(api, campaign):
    with clock.travel(LATER):
        assert dialer.step() == 2
    calls = api.posted("/Calls.json")
    assert len(calls) == 2
    first = calls[0]
    assert first.field("MachineDetection") == "Enable"
    assert first.field("AsyncAmd") == "true"
    assert first.field("From") == "+15005550006"
    assert first.field("StatusCallbackEvent") == "initiated"  # one field per event, in order
    assert first.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert {DialAttempt.objects.get(pk=query(c)["attempt"]).agent for c in calls} == {
        str(u) for u in AgentProfile.objects.values_list("user_id", flat=True)
    }
    paced = store.read_stream(f"dialer-{campaign.pk}")
    assert paced and paced[0].data["dials"] == 2 and paced[0].data["mode"] == "progressive"
    with clock.travel(LATER):
        assert dialer.step() == 0  # both agents hold a line


def test_a_number_on_the_internal_do_not_call_list_is_never_dialled(api, campaign):
    internal = DoNotCallList.objects.create(name="internal", internal=True)
    DoNotCallNumber.objects.create(list=internal, phone="+14155550101")
    campaign.mode = "predictive"
    campaign.save()
    with clock.travel(LATER):
        dialer.step()
    dialled = {c.field("To") for c in api.posted("/Calls.json")}
    assert "+14155550101" not in dialled and dialled


def test_answered_by_a_person_goes_to_the_agent_and_ends_connected(client, api, campaign):
    with clock.travel(LATER):
        dialer.step()
    request = api.posted("/Calls.json")[0]
    attempt = DialAttempt.objects.get(pk=query(request)["attempt"])
    endpoint = AgentProfile.objects.get(user_id=int(attempt.agent)).voice_endpoint
    answer = callback(client, request, "answer", CallStatus="in-progress")
    assert answer.status_code == 200
    assert f"<Number>{endpoint}</Number>" in answer.content.decode()
    assert callback(client, request, "amd", AnsweredBy="human").status_code == 204
    assert (
        callback(client, request, "status", CallStatus="completed", CallDuration="95").status_code
        == 204
    )
    attempt.refresh_from_db()
    assert (attempt.outcome, attempt.answered_by, attempt.connected) == ("connected", "human", True)
    progress = ContactProgress.objects.get(contact_id=attempt.contact_id)
    assert (progress.attempts, progress.done, progress.live_attempt_id) == (1, True, "")
    # Twilio retries its callbacks: a repeat changes nothing.
    callback(client, request, "status", CallStatus="completed", CallDuration="95")
    types = [e.type for e in store.read_stream(f"dial-contact-{attempt.contact_id}")]
    assert types == [
        "DialAttemptPlaced",
        "DialAttemptAnswered",
        "DialAttemptClassified",
        "DialAttemptEnded",
    ]


def test_busy_is_retried_after_thirty_minutes(client, api, campaign):
    with clock.travel(LATER):
        dialer.step()
    request = api.posted("/Calls.json")[0]
    callback(client, request, "status", CallStatus="busy")
    attempt = DialAttempt.objects.get(pk=query(request)["attempt"])
    progress = ContactProgress.objects.get(contact_id=attempt.contact_id)
    assert progress.last_outcome == "busy" and not progress.done
    delay = progress.next_attempt_at - attempt.ended_at
    assert abs(delay - timedelta(minutes=30)) < timedelta(seconds=1)


def test_a_machine_is_hung_up_on_and_counted_as_machine(client, api, campaign):
    with clock.travel(LATER):
        dialer.step()
    request = api.posted("/Calls.json")[0]
    callback(client, request, "answer", CallStatus="in-progress", CallSid=sid("CA"))
    callback(client, request, "amd", AnsweredBy="machine_end_beep", CallSid=sid("CA"))
    assert any("/Calls/CA" in r.path for r in api.requests)  # the hang-up
    callback(client, request, "status", CallStatus="completed")
    assert DialAttempt.objects.get(pk=query(request)["attempt"]).outcome == "machine"


def test_answered_with_no_agent_hears_the_message_and_is_abandoned(client, api, campaign):
    campaign.mode = "predictive"
    campaign.no_agent_message = "This was Renewals calling. Reply STOP to opt out."
    campaign.save()
    with clock.travel(LATER):
        dialer.step()
    request = api.posted("/Calls.json")[0]
    AgentProfile.objects.update(voice_endpoint="")  # nobody can take a call
    config.invalidate()
    answer = callback(client, request, "answer", CallStatus="in-progress")
    body = answer.content.decode()
    assert "This was Renewals calling" in body and "<Hangup" in body
    callback(client, request, "status", CallStatus="completed")
    assert DialAttempt.objects.get(pk=query(request)["attempt"]).outcome == "abandoned"


def test_an_unsigned_callback_is_refused(client, api, campaign):
    with clock.travel(LATER):
        dialer.step()
    request = api.posted("/Calls.json")[0]
    url = urlsplit(request.field("StatusCallback"))
    answer = post(
        client,
        f"{url.path}?{url.query}",
        {"From": "+15005550006", "CallSid": "CA1", "CallStatus": "busy"},
        signature=False,
    )
    assert answer.status_code == 403


def test_a_refused_call_ends_the_attempt_as_failed(api, campaign):
    api.fail_with = 400
    with clock.travel(LATER):
        assert dialer.step() == 0
    assert set(DialAttempt.objects.values_list("outcome", flat=True)) == {"failed"}


def test_the_dialer_is_a_registered_worker():
    from contactcenter.workers import registry

    assert "dialer" in {w.name for w in registry.registered()}


def test_two_answered_calls_never_go_to_one_agent(client, api, campaign):
    campaign.mode = "predictive"
    campaign.save()
    AgentProfile.objects.filter(user__username="caller2").update(voice_endpoint="")
    config.invalidate()  # only caller1 can take a call
    with clock.travel(LATER):
        dialer.step()
    first, second = api.posted("/Calls.json")[:2]
    with clock.travel(LATER):
        to_agent = callback(client, first, "answer", CallStatus="in-progress").content.decode()
        to_nobody = callback(client, second, "answer", CallStatus="in-progress").content.decode()
    assert "<Number>+15557770001</Number>" in to_agent
    assert "<Say" in to_nobody and "<Dial" not in to_nobody
