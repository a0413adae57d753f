"""Replies go through twilio's REST client to the configured API base URL (here a server of
the test's own on 127.0.0.1); failures end as visible failed deliveries; status callbacks
become delivery events."""

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from contactcenter import clock
from contactcenter.events.models import Event
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Interaction, TranscriptEntry
from routing import offers, router
from routing.models import Queue
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue, an_agent
from tests.settle import outbox_round
from tests.twilio_api import ACCOUNT, NUMBER, a_channel
from tests.twilio_hooks import post, sms

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def support():
    return a_queue("Support", entry="sms:*")


@pytest.fixture
def line(api, support):
    return a_channel(api.url)


def conversation(client, text="Where is my parcel?") -> tuple[str, int]:
    """An SMS conversation an agent has accepted: (interaction id, agent id)."""
    agent = an_agent(Queue.objects.get(name="Support"))
    post(client, "/hooks/twilio/sms/", sms(text))
    router.route_once()
    row = Interaction.objects.get()
    offers.accept_offer(row.id, row.offer_id, row.offer_agent_id)
    return row.id, agent.pk


def test_an_agents_reply_is_sent_with_to_from_body_and_a_status_callback(client, api, line):
    interaction_id, agent = conversation(client)
    message_id = interactions.send_message(
        interaction_id, author=f"agent:{agent}", text="On its way!"
    )

    outbox_round()

    (sent,) = api.posted("/Messages.json")
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert sent.account == ACCOUNT
    assert (sent.field("To"), sent.field("From"), sent.field("Body")) == (
        "+15551230001",
        NUMBER,
        "On its way!",
    )
    callback = urlsplit(sent.field("StatusCallback"))
    assert callback.path == "/hooks/twilio/sms/status/"
    assert parse_qs(callback.query) == {"interaction": [interaction_id], "message": [message_id]}
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert (entry.delivery_status, entry.external_id) == ("queued", "SM" + "1".zfill(32))


def test_a_flow_menu_goes_out_as_a_numbered_text_menu(client, api, line, support):
    billing, sales = a_queue("Billing", entry=None), a_queue("Sales", entry=None)
    at_entry(menu_flow(billing, sales, support), "sms", support)

    post(client, "/hooks/twilio/sms/", sms("hi"))
    outbox_round()

    bodies = [r.field("Body") for r in api.posted("/Messages.json")]
    assert bodies == [
        "Welcome to Acme.",
        "What do you need?\nReply 1 for Billing, 2 for Sales or 3 for Support.",
    ]


def test_a_4xx_from_twilio_is_a_failed_delivery_at_once(client, api, line):
    interaction_id, agent = conversation(client)
    message_id = interactions.send_message(interaction_id, author=f"agent:{agent}", text="Hi")
    api.fail_with = 400

    outbox_round()

    assert len(api.posted("/Messages.json")) == 1
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert entry.delivery_status == "failed"
    assert entry.delivery_detail == (
        "Twilio answered 400, error 21211: Unable to create record: "
        "The 'To' number is not a valid phone number."
    )


def test_a_5xx_is_retried_and_ends_as_a_visible_failed_delivery(client, api, line):
    interaction_id, agent = conversation(client)
    message_id = interactions.send_message(interaction_id, author=f"agent:{agent}", text="Hi")
    api.fail_with = 503

    for minutes in range(0, 200, 10):
        with clock.travel(timedelta(minutes=minutes)):
            outbox_round()

    assert len(api.posted("/Messages.json")) == 6  # the first try and five retries
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert entry.delivery_status == "failed"
    assert entry.delivery_detail.startswith("gave up after 6 attempts: Twilio answered 503")


def test_the_log_tells_a_retried_send_from_a_new_one(client, api, line, caplog):
    interaction_id, agent = conversation(client)
    interactions.send_message(interaction_id, author=f"agent:{agent}", text="Hi")
    api.fail_with = 503

    with caplog.at_level(logging.INFO, logger="channels_adapters.sms.outbound"):
        for minutes in range(0, 30, 10):
            with clock.travel(timedelta(minutes=minutes)):
                outbox_round()

    sends = [r.getMessage() for r in caplog.records if r.name == "channels_adapters.sms.outbound"]
    assert sends == [
        "SMS to +15551230001 from +15005550006: 'Hi'",
        "SMS to +15551230001 from +15005550006 (retry 1 of 5): 'Hi'",
        "SMS to +15551230001 from +15005550006 (retry 2 of 5): 'Hi'",
    ]
    failures = [r.getMessage() for r in caplog.records if r.name == "contactcenter.outbox"]
    assert "(attempt 1 of 6), retrying in 5s" in failures[0]


def test_status_callbacks_become_delivery_events_once_each(client, api, line):
    interaction_id, agent = conversation(client)
    message_id = interactions.send_message(interaction_id, author=f"agent:{agent}", text="Hi")
    outbox_round()
    callback = urlsplit(api.posted("/Messages.json")[0].field("StatusCallback"))
    path = f"{callback.path}?{callback.query}"
    sid = TranscriptEntry.objects.get(pk=message_id).external_id

    def report(status, **extra):
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT,
            "From": NUMBER,
            "To": "+15551230001",
            "MessageStatus": status,
            "SmsStatus": status,
            "ApiVersion": "2010-04-01",
            **extra,
        }
        return post(client, path, params)

    assert report("sent").status_code == 204
    assert report("delivered").status_code == 204
    assert report("delivered").status_code == 204  # redelivered: nothing new

    statuses = [
        e.data["status"]
        for e in Event.objects.filter(type="MessageDelivered", data__message_id=message_id)
    ]
    assert statuses == ["queued", "sent", "delivered"]
    assert TranscriptEntry.objects.get(pk=message_id).delivery_status == "delivered"


def test_an_undelivered_status_with_its_error_code_shows_as_failed(client, api, line):
    interaction_id, agent = conversation(client)
    message_id = interactions.send_message(interaction_id, author=f"agent:{agent}", text="Hi")
    outbox_round()
    callback = urlsplit(api.posted("/Messages.json")[0].field("StatusCallback"))
    params = {
        "MessageSid": "SM" + "1".zfill(32),
        "AccountSid": ACCOUNT,
        "From": NUMBER,
        "To": "+15551230001",
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
    }

    post(client, f"{callback.path}?{callback.query}", params)

    entry = TranscriptEntry.objects.get(pk=message_id)
    assert entry.delivery_status == "failed"
    assert (
        entry.delivery_detail
        == "Twilio: undelivered, error 30003 (unreachable destination handset)"
    )


def test_an_unsigned_status_callback_changes_nothing(client, api, line):
    interaction_id, _ = conversation(client)
    before = Event.objects.count()
    params = {"MessageSid": "SMx", "From": NUMBER, "To": "+15551230001", "MessageStatus": "failed"}

    response = post(
        client,
        f"/hooks/twilio/sms/status/?interaction={interaction_id}&message=m",
        params,
        signature=False,
    )

    assert response.status_code == 403 and Event.objects.count() == before
