"""Outgoing webhooks to a receiver that fails at first: every event arrives, in order per
stream, signed, and a redelivered event carries the same id."""

import time
from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.events import store
from contactcenter.webhooks import delivery, signing
from contactcenter.webhooks.models import WebhookSubscription
from tests.factories import new_chat
from tests.settle import settle
from tests.webhooks import receiver as receivers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(request):
    server = receivers.start(**getattr(request, "param", {}))
    yield server
    server.stop()


def subscribe(receiver, **fields) -> WebhookSubscription:
    return WebhookSubscription.objects.create(name="CRM", url=receiver.url, **fields)


def run_until_idle(rounds: int = 60) -> None:
    """Deliver, moving the clock past each backoff, until nothing is left to do."""
    for n in range(1, rounds + 1):
        settle()
        with clock.travel(timedelta(hours=2 * n)):  # each round later than the last backoff
            done = delivery.run_once()
        pending = WebhookSubscription.objects.filter(paused=False).exclude(
            position=store.last_position()
        )
        if not done and not pending.exists():
            return


@pytest.mark.parametrize("receiver", [{"fail_first": 3}], indirect=True)
def test_every_event_arrives_in_order_per_stream_signed_and_retried_under_its_id(receiver):
    subscription = subscribe(receiver)
    for n in range(3):
        new_chat(text=f"chat {n}")

    run_until_idle()

    everything = store.read_all(0, 10_000)
    accepted = receiver.accepted()
    assert [e["position"] for e in accepted] == [e.position for e in everything]
    by_stream: dict[str, list[int]] = {}
    for event in accepted:
        by_stream.setdefault(event["stream_id"], []).append(event["version"])
    assert all(versions == sorted(versions) for versions in by_stream.values())
    for request in receiver.requests:
        assert signing.verify(subscription.secret, request.headers, request.body)
        assert request.headers["webhook-id"] == request.event["id"]
    failed = [r for r in receiver.requests if r.status >= 300]
    assert len(failed) == 3
    assert {r.headers["webhook-id"] for r in failed} == {accepted[0]["id"]}  # same id, again
    subscription.refresh_from_db()
    assert (subscription.delivered, subscription.consecutive_failures) == (len(everything), 0)
    assert subscription.last_error == "HTTP 500"


def test_only_the_event_types_asked_for_are_sent_and_the_rest_is_passed_over(receiver):
    subscription = subscribe(receiver, event_types=["MessageReceived"])
    new_chat(text="one")
    new_chat(text="two")

    run_until_idle()

    assert [e["data"]["text"] for e in receiver.accepted()] == ["one", "two"]
    subscription.refresh_from_db()
    assert subscription.position == store.last_position()


def test_a_failed_event_is_retried_after_its_backoff_not_before(receiver):
    receiver.fail_first = 1
    subscribe(receiver)
    new_chat()
    settle()

    delivery.run_once()
    delivery.run_once()  # backing off: nothing is sent
    assert len(receiver.requests) == 1
    with clock.travel(timedelta(seconds=2)):
        delivery.run_once()

    assert len(receiver.requests) > 1 and receiver.requests[1].status == 204


@pytest.mark.parametrize("receiver", [{"always": 503}], indirect=True)
def test_a_subscription_that_keeps_failing_is_paused_then_replayed(receiver):
    subscription = subscribe(receiver)
    new_chat(text="lost?")

    run_until_idle()

    subscription.refresh_from_db()
    assert subscription.paused and subscription.position == 0
    assert subscription.consecutive_failures == delivery.PAUSE_AFTER
    assert "8 failures in a row" in subscription.paused_reason
    attempts = len(receiver.requests)
    settle()
    delivery.run_once()
    assert len(receiver.requests) == attempts  # paused: left alone

    receiver.always = None
    delivery.replay(subscription, 0)
    run_until_idle()

    assert [e["position"] for e in receiver.accepted()] == [
        e.position for e in store.read_all(0, 10_000)
    ]


@pytest.mark.parametrize("receiver", [{"always": 410}], indirect=True)
def test_410_gone_pauses_at_once(receiver):
    subscription = subscribe(receiver)
    new_chat()
    settle()

    delivery.run_once()

    subscription.refresh_from_db()
    assert subscription.paused and "410 Gone" in subscription.paused_reason


def test_replaying_from_a_position_sends_what_came_after_it_again_under_the_same_ids(receiver):
    subscription = subscribe(receiver)
    new_chat(text="first")
    new_chat(text="second")
    run_until_idle()
    sent = receiver.accepted()
    replay_after = sent[3]["position"]

    delivery.replay(subscription, replay_after)
    run_until_idle()

    again = receiver.accepted()[len(sent) :]
    assert [e["id"] for e in again] == [e["id"] for e in sent[4:]]
    with pytest.raises(store.UnknownPosition):
        delivery.replay(subscription, 10**12)


def test_the_background_loop_delivers_on_its_own(receiver):
    subscribe(receiver)
    chat = new_chat(text="live")
    settle()
    loop = delivery.webhook_loop()  # what `serve` and `run_router` run
    loop.start()
    try:
        for _ in range(200):
            if any(e["data"].get("text") == "live" for e in receiver.accepted()):
                break
            time.sleep(0.05)
    finally:
        loop.stop()
        loop.join(timeout=5)

    assert chat.interaction_id in {e["data"].get("interaction_id") for e in receiver.accepted()}


def test_a_commit_wakes_the_loop_only_while_a_subscription_runs(receiver):
    """Every commit of a router's process (each offer) woke the loop for a read that found no
    subscription: a tenth of a router's round at one arrival a round (issue 18). Without one
    running, the loop looks at its own pace (once a second), as it does for every other
    process's commits; once one runs, every commit wakes it again."""
    subscribers = list(store._after_commit)
    try:
        loop = delivery.webhook_loop()
        delivery.run_once()  # a round, finding nothing to deliver to
        new_chat(text="nobody subscribed")
        assert not loop._wake.is_set()

        subscribe(receiver)
        delivery.run_once()  # the loop's next round at its own pace finds it
        new_chat(text="to the CRM")
        assert loop._wake.is_set()
    finally:
        store._after_commit[:] = subscribers
