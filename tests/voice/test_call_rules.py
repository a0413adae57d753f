"""A call's rules (channels_adapters/voice/call.py), given events, when a decision, then events
or a refusal. No database: the aggregate folds recorded events handed to it."""

from datetime import UTC, datetime, timedelta

import pytest

from channels_adapters.voice import events as ve
from channels_adapters.voice.call import VoiceCall
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import DomainError
from routing.flows.events import CallbackRequested

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def given(*events, start=T0) -> VoiceCall:
    call = VoiceCall("i1")
    for n, event in enumerate(events, start=1):
        recorded = RecordedEvent(
            position=n,
            txid=0,
            stream_id="interaction-i1",
            version=n,
            type=event.type,
            data=event.to_data(),
            occurred_at=start + timedelta(seconds=n),
        )
        call.version = n
        call.when(recorded)
    return call


def ringing():
    return [
        ev.InteractionCreated(
            interaction_id="i1", channel="voice", channel_key="+15005550006", customer_id="c1"
        ),
        ve.CallStarted(
            interaction_id="i1",
            call_sid="CA1",
            direction="inbound",
            from_number="+15005550001",
            to_number="+15005550006",
        ),
        ev.InteractionQueued(interaction_id="i1", queue_id=1),
    ]


def answered(agent_id=7):
    return [
        *ringing(),
        ev.OfferCreated(
            interaction_id="i1", offer_id="o1", agent_id=agent_id, queue_id=1, expires_at=""
        ),
        ev.OfferAccepted(interaction_id="i1", offer_id="o1", agent_id=agent_id),
    ]


def held(agent_id=7):
    return ve.CallHeld(interaction_id="i1", call_sid="CA1", agent_id=agent_id)


def test_a_call_starts_once_however_often_the_provider_says_so():
    call = given(*ringing())
    assert call.start("CA1", direction="inbound", from_number="x", to_number="y") == []
    (started,) = call.start("CA2", direction="callback", from_number="y", to_number="x")
    assert started.call_sid == "CA2"


def test_only_the_agent_on_the_call_holds_it_and_only_once():
    call = given(*answered(agent_id=7))
    with pytest.raises(DomainError, match="only the agent on the call"):
        call.hold(8)
    assert call.hold(7)[0].call_sid == "CA1"
    with pytest.raises(DomainError, match="already on hold"):
        given(*answered(), held()).hold(7)


def test_resuming_counts_the_time_on_hold():
    call = given(*answered(), held())  # held at T0 + 6 s
    (resumed,) = call.resume(7, T0 + timedelta(seconds=36))
    assert resumed.held_seconds == 30.0
    with pytest.raises(DomainError, match="not on hold"):
        given(*answered()).resume(7, T0)


def test_a_call_in_line_cannot_be_controlled_and_an_ended_one_neither():
    with pytest.raises(DomainError, match="only the agent on the call"):
        given(*ringing()).hold(7)
    ended = ve.CallEnded(interaction_id="i1", call_sid="CA1", status="completed")
    with pytest.raises(DomainError, match="the call has ended"):
        given(*answered(), ended).hold(7)


def test_a_callback_is_kept_once_and_only_for_a_caller_in_line():
    (asked,) = given(*ringing()).request_callback("+15005550001", "queue")
    assert asked.number == "+15005550001"
    again = CallbackRequested(interaction_id="i1", number="+15005550001", source="queue")
    assert given(*ringing(), again).request_callback("+15005550001", "queue") == []
    assert given(*answered()).request_callback("+15005550001", "queue") == []
