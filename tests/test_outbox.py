"""The outbox hands each committed MessageSent to its channel's adapter, retries temporary
failures with backoff, and records every outcome as an event."""

from dataclasses import replace
from datetime import timedelta

import pytest

from channels_adapters import base
from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Delivery, TranscriptEntry
from tests.factories import email_message, new_chat
from tests.settle import outbox_round

pytestmark = pytest.mark.django_db(transaction=True)


class Provider:
    """Stands in for a provider's API: takes messages, failing the first `failures` times."""

    channel = "email"
    capabilities = base.Capabilities(realtime=False, html=True, subject=True)

    def __init__(self, failures=0, permanent=False):
        self.failures, self.permanent, self.received = failures, permanent, []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise (base.PermanentFailure if self.permanent else base.TemporaryFailure)("550 no")
        self.received.append(message)
        return base.DeliveryResult(status="sent", external_id=f"ext-{len(self.received)}")


@pytest.fixture
def provider(request):
    previous = base.channel("email")
    adapter = Provider(**getattr(request, "param", {}))
    base.register(replace(previous, adapter=adapter))
    yield adapter
    base.register(previous)


def a_reply(text="We are on it"):
    mailed = ingest(email_message(sender="Dee <dee@example.org>"))
    message_id = interactions.send_message(
        mailed.interaction_id, author="system", text=text, subject="Re: order"
    )
    return mailed.interaction_id, message_id


def delivery_events(interaction_id):
    return [
        e
        for e in store.read_stream(stream_id(interaction_id))
        if e.type.startswith("MessageDeliver")
    ]


def test_a_reply_is_delivered_to_the_customers_address_and_recorded(provider):
    interaction_id, message_id = a_reply()

    outbox_round()

    (sent,) = provider.received
    assert (sent.to_address, sent.text, sent.subject) == (
        "dee@example.org",
        "We are on it",
        "Re: order",
    )
    (event,) = delivery_events(interaction_id)
    assert (event.type, event.data["external_id"]) == ("MessageDelivered", "ext-1")
    assert TranscriptEntry.objects.get(pk=message_id).delivery_status == "sent"
    outbox_round()
    assert len(provider.received) == 1  # once only


@pytest.mark.parametrize("provider", [{"failures": 2}], indirect=True)
def test_a_temporary_failure_is_retried_with_backoff(provider):
    interaction_id, message_id = a_reply()
    outbox_round()
    assert Delivery.objects.get(pk=message_id).attempts == 1 and not provider.received

    outbox_round()  # not due yet
    assert Delivery.objects.get(pk=message_id).attempts == 1
    for seconds in (6, 40):
        with clock.travel(timedelta(seconds=seconds)):
            outbox_round()

    assert len(provider.received) == 1
    assert [e.type for e in delivery_events(interaction_id)] == ["MessageDelivered"]


@pytest.mark.parametrize("provider", [{"failures": 1, "permanent": True}], indirect=True)
def test_a_permanent_failure_ends_as_a_visible_failed_delivery(provider):
    interaction_id, message_id = a_reply()

    outbox_round()

    (event,) = delivery_events(interaction_id)
    assert (event.type, event.data["reason"]) == ("MessageDeliveryFailed", "550 no")
    entry = TranscriptEntry.objects.get(pk=message_id)
    assert (entry.delivery_status, entry.delivery_detail) == ("failed", "550 no")


@pytest.mark.parametrize("provider", [{"failures": 99}], indirect=True)
def test_retries_run_out_into_a_failed_delivery_event(provider):
    interaction_id, _ = a_reply()
    for minutes in range(0, 200, 10):
        with clock.travel(timedelta(minutes=minutes)):
            outbox_round()

    (event,) = delivery_events(interaction_id)
    assert (
        event.type == "MessageDeliveryFailed" and "gave up after 6 attempts" in event.data["reason"]
    )


def test_web_chat_is_delivered_by_push_not_the_outbox(provider):
    from channels_adapters.base import Capabilities, register

    class Chat:
        channel = "webchat"
        capabilities = Capabilities(realtime=True, delivered_by_push=True)

        def send(self, message):
            raise AssertionError("web chat goes over the WebSocket")

    previous = base.channel("webchat")
    register(replace(previous, adapter=Chat()))
    try:
        chat = new_chat()
        interactions.send_message(chat.interaction_id, author="system", text="Hi")
        outbox_round()
        assert not Delivery.objects.exists()
    finally:
        register(previous)
