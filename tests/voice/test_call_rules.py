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


def streamed(agent_id=7):
    return [
        *answered(agent_id),
        ve.MediaStreamStarted(interaction_id="i1", call_sid="CA1", stream_sid="MZ1"),
    ]


def test_a_media_stream_is_recorded_once_as_started_and_once_as_ended():
    call = given(*streamed())
    assert call.stream_started("CA1", "MZ1") == []
    [ended] = call.stream_ended("CA1", "MZ1", "stop")
    assert ended.reason == "stop"
    call = given(*streamed(), ended)
    assert call.stream_ended("CA1", "MZ1", "stop") == []


def test_only_a_streamed_call_is_paused_by_its_agent_and_only_once():
    with pytest.raises(DomainError, match="media path"):
        given(*answered()).pause_recording(7)
    with pytest.raises(DomainError, match="only the agent on the call"):
        given(*streamed()).pause_recording(8)
    [paused] = given(*streamed()).pause_recording(7)
    with pytest.raises(DomainError, match="already paused"):
        given(*streamed(), paused).pause_recording(7)
    with pytest.raises(DomainError, match="not paused"):
        given(*streamed()).resume_recording(7)
    [resumed] = given(*streamed(), paused).resume_recording(7)
    assert resumed.agent_id == 7


def test_retention_deletes_a_stored_recording_once():
    saved = ve.RecordingSaved(interaction_id="i1", call_sid="CA1", name="r.wav", seconds=3.0)
    [deleted] = given(*streamed(), saved).recording_deleted("r.wav", "retention")
    assert given(*streamed(), saved, deleted).recording_deleted("r.wav", "retention") == []
    assert given(*streamed()).recording_deleted("other.wav", "retention") == []


def test_supervision_records_changes_of_mode_and_one_leaving():
    [listen] = given(*streamed()).supervision_started(3, "listen")
    assert given(*streamed(), listen).supervision_started(3, "listen") == []
    [whisper] = given(*streamed(), listen).supervision_started(3, "whisper")
    assert whisper.mode == "whisper"
    [left] = given(*streamed(), listen).supervision_ended(3, "left")
    assert given(*streamed(), listen, left).supervision_ended(3, "left") == []


def test_a_consult_asks_one_colleague_whose_softphone_then_answers_it():
    call = given(*streamed(agent_id=7))
    with pytest.raises(DomainError, match="only the agent on the call"):
        call.start_consult(8, 9)
    with pytest.raises(DomainError, match="not yourself"):
        call.start_consult(7, 7)
    [started] = call.start_consult(7, 9)
    consulting = given(*streamed(agent_id=7), started)
    assert consulting.consulted(9) and not consulting.consulted(8)
    with pytest.raises(DomainError, match="already in progress"):
        consulting.start_consult(7, 8)
    connected, answered_ = consulting.softphone_connected(9)
    assert (connected.type, answered_.type) == ("SoftphoneConnected", "ConsultAnswered")
    assert consulting.softphone_connected(7)[1:] == []  # the agent's own leg answers nothing


def test_join_and_hand_over_wait_for_the_colleague_and_cancel_does_not():
    [started] = given(*streamed(agent_id=7)).start_consult(7, 9)
    asking = given(*streamed(agent_id=7), started)
    with pytest.raises(DomainError, match="has not answered"):
        asking.join_consult(7)
    with pytest.raises(DomainError, match="has not answered"):
        asking.hand_over(7)
    assert asking.cancel_consult(7)[0].reason == "cancelled"
    answered_ = ve.ConsultAnswered(interaction_id="i1", agent_id=7, colleague_id=9)
    talking = given(*streamed(agent_id=7), started, answered_)
    [joined] = talking.join_consult(7)
    with pytest.raises(DomainError, match="three-way already"):
        given(*streamed(agent_id=7), started, answered_, joined).join_consult(7)
    assert talking.hand_over(7)[0].colleague_id == 9
    with pytest.raises(DomainError, match="only the agent on the call"):
        talking.hand_over(9)  # the colleague does not hand the call to themself


def test_a_colleague_who_leaves_ends_the_consult_and_a_cold_transfer_waits_for_its_end():
    [started] = given(*streamed(agent_id=7)).start_consult(7, 9)
    consulting = given(*streamed(agent_id=7), started)
    with pytest.raises(DomainError, match="end the consult first"):
        consulting.transfer(7, "queue")
    _, ended = consulting.softphone_disconnected(9, "hung up", requeued=False)
    assert (ended.type, ended.reason) == ("ConsultEnded", "left the call")
    assert consulting.softphone_disconnected(7, "hung up", requeued=False)[1:] == []
    assert given(*streamed(agent_id=7), started, ended).transfer(7, "queue")[0].kind == "queue"
    with pytest.raises(DomainError, match="no consult is asking you"):
        given(*streamed(agent_id=7)).decline_consult(9)
    assert consulting.decline_consult(9)[0].reason == "declined"
