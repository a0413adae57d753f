"""A call's rules, as an aggregate over its interaction's stream: calls ride on the
interaction (`interaction-<id>`), so the same stream holds the interaction's state and every
call event. Webhooks and the console's call controls load it, let it decide, append
(`contactcenter.events.aggregate`); Twilio is asked before, and only what Twilio did is
recorded."""

from dataclasses import dataclass
from datetime import datetime

from channels_adapters.voice import events as ev
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import DomainError, Interaction, State
from routing.flows.events import CallbackRequested


@dataclass
class CallLeg:
    """One call of the interaction (the customer's inbound call, or a callback we placed)."""

    call_sid: str
    started_at: datetime
    held_since: datetime | None = None
    ended: bool = False
    stream_sid: str = ""  # its audio is on the platform's media path (a Media Stream)


@dataclass
class Consult:
    """The agent on the call talking to a colleague while the customer holds."""

    agent_id: int
    colleague_id: int
    answered: bool = False  # the colleague's softphone joined
    joined: bool = False  # three-way: the customer hears both


class VoiceCall(Aggregate):
    """The interaction and its calls, folded from its stream."""

    stream_prefix = "interaction"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.interaction = Interaction()
        self.calls: dict[str, CallLeg] = {}
        self.callback_pending = False
        self.streams_ended: set[str] = set()
        self.recording_paused = False
        # names of the recordings still stored, oldest first (a dict keeps the order)
        self.recordings: dict[str, None] = {}
        self.supervisors: dict[int, str] = {}  # supervisor -> their mode, while they are on
        self.consult: Consult | None = None

    def when(self, event: RecordedEvent) -> None:
        self.interaction.apply(event.payload, event.occurred_at)
        self.interaction.version = event.version
        match event.type:
            case "CallStarted":
                sid = event.data["call_sid"]
                self.calls[sid] = CallLeg(sid, event.occurred_at)
            case "CallHeld":
                if leg := self.calls.get(event.data["call_sid"]):
                    leg.held_since = event.occurred_at
            case "CallResumed":
                if leg := self.calls.get(event.data["call_sid"]):
                    leg.held_since = None
            case "CallEnded":
                if leg := self.calls.get(event.data["call_sid"]):
                    leg.ended, leg.held_since = True, None
                self.consult = None
            case "CallbackRequested":
                self.callback_pending = True
            case "CallbackPlaced":
                self.callback_pending = self.callback_pending and bool(event.data["error"])
            case "MediaStreamStarted":
                if leg := self.calls.get(event.data["call_sid"]):
                    leg.stream_sid = event.data["stream_sid"]
            case "MediaStreamEnded":
                self.streams_ended.add(event.data["stream_sid"])
                self.recording_paused = False  # a new stream starts a new recording
                self.consult = None  # the audio the consult was in is gone
            case "RecordingPaused":
                self.recording_paused = True
            case "RecordingResumed":
                self.recording_paused = False
            case "RecordingSaved":
                self.recordings[event.data["name"]] = None
            case "RecordingDeleted":
                self.recordings.pop(event.data["name"], None)
            case "SupervisionStarted":
                self.supervisors[event.data["supervisor_id"]] = event.data["mode"]
            case "SupervisionEnded":
                self.supervisors.pop(event.data["supervisor_id"], None)
            case "ConsultStarted":
                self.consult = Consult(event.data["agent_id"], event.data["colleague_id"])
            case "ConsultAnswered":
                if self.consult is not None:
                    self.consult.answered = True
            case "ConsultJoined":
                if self.consult is not None:
                    self.consult.joined = True
            case "ConsultHandedOver" | "ConsultEnded" | "CallTransferred":
                self.consult = None

    @property
    def state(self) -> State | None:
        return self.interaction.state

    # -- decisions ---------------------------------------------------------------------------

    def start(
        self, call_sid: str, *, direction: str, from_number: str, to_number: str
    ) -> list[DomainEvent]:
        """A call begins, once however often its provider tells us."""
        if call_sid in self.calls:
            return []
        return [
            ev.CallStarted(
                interaction_id=self.key,
                call_sid=call_sid,
                direction=direction,
                from_number=from_number,
                to_number=to_number,
            )
        ]

    def dialed(self, call_sid: str, agent_id: int, endpoint: str, error: str = "") -> list:
        return [
            ev.CallDialed(
                interaction_id=self.key,
                call_sid=call_sid,
                agent_id=agent_id,
                endpoint=endpoint,
                error=error,
            )
        ]

    def controlled_by(self, agent_id: int) -> CallLeg:
        """The live call the agent may control: theirs, active, not ended."""
        if self.interaction.channel != "voice" or self.state is None:
            raise DomainError("no such call")
        if self.state is not State.ACTIVE or self.interaction.agent_id != agent_id:
            raise DomainError("only the agent on the call can control it")
        live = [leg for leg in self.calls.values() if not leg.ended]
        if not live:
            raise DomainError("the call has ended")
        return max(live, key=lambda leg: leg.started_at)

    def hold(self, agent_id: int) -> list[DomainEvent]:
        leg = self.controlled_by(agent_id)
        if leg.held_since is not None:
            raise DomainError("the call is already on hold")
        return [ev.CallHeld(interaction_id=self.key, call_sid=leg.call_sid, agent_id=agent_id)]

    def resume(self, agent_id: int, now: datetime) -> list[DomainEvent]:
        leg = self.controlled_by(agent_id)
        if leg.held_since is None:
            raise DomainError("the call is not on hold")
        return [
            ev.CallResumed(
                interaction_id=self.key,
                call_sid=leg.call_sid,
                agent_id=agent_id,
                held_seconds=round((now - leg.held_since).total_seconds(), 3),
            )
        ]

    def request_callback(self, number: str, source: str) -> list[DomainEvent]:
        """Keep the caller's place and call them back: only while they wait in line, once,
        and only to a number we know (kind "phone")."""
        if self.callback_pending or self.state not in (State.QUEUED, State.OFFERED):
            return []
        return [CallbackRequested(interaction_id=self.key, number=number, source=source)]

    def ended(
        self,
        call_sid: str,
        status: str,
        *,
        duration: float,
        ring: float,
        talk: float,
        hold: float,
    ) -> list[DomainEvent]:
        return [
            ev.CallEnded(
                interaction_id=self.key,
                call_sid=call_sid,
                status=status,
                duration_seconds=duration,
                ring_seconds=ring,
                talk_seconds=talk,
                hold_seconds=round(hold, 3),
            )
        ]

    def agent_leg_ended(
        self, call_sid: str, status: str, *, ring: float, talk: float
    ) -> list[DomainEvent]:
        return [
            ev.CallAgentLegEnded(
                interaction_id=self.key,
                call_sid=call_sid,
                dial_status=status,
                ring_seconds=round(max(0.0, ring), 3),
                talk_seconds=talk,
            )
        ]

    # -- the media path (Media Streams, the softphone, recording, supervision) -----------------

    def stream_started(self, call_sid: str, stream_sid: str) -> list[DomainEvent]:
        """Twilio connected the call's audio to the platform; once per stream."""
        leg = self.calls.get(call_sid)
        if leg is not None and leg.stream_sid == stream_sid:
            return []
        return [
            ev.MediaStreamStarted(interaction_id=self.key, call_sid=call_sid, stream_sid=stream_sid)
        ]

    def stream_ended(self, call_sid: str, stream_sid: str, reason: str) -> list[DomainEvent]:
        if stream_sid in self.streams_ended:
            return []
        return [
            ev.MediaStreamEnded(
                interaction_id=self.key, call_sid=call_sid, stream_sid=stream_sid, reason=reason
            )
        ]

    def softphone_connected(self, agent_id: int) -> list[DomainEvent]:
        """An agent's softphone joined the call's audio: the agent on it, or the colleague
        they consult (then the consult is answered)."""
        events: list[DomainEvent] = [
            ev.SoftphoneConnected(interaction_id=self.key, agent_id=agent_id)
        ]
        consult = self.consult
        if consult is not None and consult.colleague_id == agent_id and not consult.answered:
            events.append(
                ev.ConsultAnswered(
                    interaction_id=self.key, agent_id=consult.agent_id, colleague_id=agent_id
                )
            )
        return events

    def softphone_disconnected(
        self, agent_id: int, reason: str, *, requeued: bool
    ) -> list[DomainEvent]:
        """An agent's softphone left; a consulted colleague's leaving ends the consult."""
        events: list[DomainEvent] = [
            ev.SoftphoneDisconnected(
                interaction_id=self.key, agent_id=agent_id, reason=reason, requeued=requeued
            )
        ]
        consult = self.consult
        if consult is not None and consult.colleague_id == agent_id:
            events.append(
                ev.ConsultEnded(
                    interaction_id=self.key,
                    agent_id=consult.agent_id,
                    colleague_id=agent_id,
                    reason="left the call" if reason == "hung up" else reason,
                )
            )
        return events

    # -- transfers and consults (the call's audio on the platform) ----------------------------

    def consulted(self, agent_id: int) -> bool:
        """`agent_id` is the colleague a consult on this call is asking (their softphone may
        join the call's audio)."""
        return self.consult is not None and self.consult.colleague_id == agent_id

    def transfer(self, agent_id: int, kind: str) -> list[DomainEvent]:
        """A cold transfer of a call on the platform: the agent's leg leaves, the caller waits
        on hold music for the next agent (not while a colleague is on the call)."""
        self.streamed_leg(agent_id)
        if self.consult is not None:
            raise DomainError("end the consult first (join, hand over or cancel)")
        return [ev.CallTransferred(interaction_id=self.key, agent_id=agent_id, kind=kind)]

    def transferred(self, agent_id: int, kind: str) -> list[DomainEvent]:
        """Record the cold transfer once the interaction has moved (it is no longer the
        agent's, so `transfer`'s checks are behind us)."""
        return [ev.CallTransferred(interaction_id=self.key, agent_id=agent_id, kind=kind)]

    def start_consult(self, agent_id: int, colleague_id: int) -> list[DomainEvent]:
        """The agent asks a colleague: the customer holds, the colleague's softphone is asked."""
        self.streamed_leg(agent_id)
        if self.consult is not None:
            raise DomainError("a consult is already in progress on this call")
        if colleague_id == agent_id:
            raise DomainError("consult a colleague, not yourself")
        return [
            ev.ConsultStarted(interaction_id=self.key, agent_id=agent_id, colleague_id=colleague_id)
        ]

    def _consult_of(self, agent_id: int, *, answered: bool = True) -> Consult:
        self.streamed_leg(agent_id)
        if self.consult is None:
            raise DomainError("no consult in progress on this call")
        if answered and not self.consult.answered:
            raise DomainError("the colleague has not answered yet")
        return self.consult

    def join_consult(self, agent_id: int) -> list[DomainEvent]:
        """Three-way: the customer comes off hold and hears both agents."""
        consult = self._consult_of(agent_id)
        if consult.joined:
            raise DomainError("the call is three-way already")
        return [
            ev.ConsultJoined(
                interaction_id=self.key, agent_id=agent_id, colleague_id=consult.colleague_id
            )
        ]

    def hand_over(self, agent_id: int) -> list[DomainEvent]:
        """Warm transfer: the colleague keeps the customer, the agent leaves. (Who has the
        interaction moves by the interaction's own events: actions.interactions.hand_over.)"""
        consult = self._consult_of(agent_id)
        return [
            ev.ConsultHandedOver(
                interaction_id=self.key, agent_id=agent_id, colleague_id=consult.colleague_id
            )
        ]

    def handed_over(self, agent_id: int, colleague_id: int) -> list[DomainEvent]:
        """Record the hand-over once the interaction is the colleague's."""
        consult = self.consult
        if consult is None or (consult.agent_id, consult.colleague_id) != (agent_id, colleague_id):
            return []
        return [
            ev.ConsultHandedOver(
                interaction_id=self.key, agent_id=agent_id, colleague_id=colleague_id
            )
        ]

    def cancel_consult(self, agent_id: int) -> list[DomainEvent]:
        """Back to the customer: the colleague's leg leaves (from a three-way call too)."""
        consult = self._consult_of(agent_id, answered=False)
        return [
            ev.ConsultEnded(
                interaction_id=self.key,
                agent_id=agent_id,
                colleague_id=consult.colleague_id,
                reason="cancelled",
            )
        ]

    def decline_consult(self, colleague_id: int) -> list[DomainEvent]:
        """The colleague says no before their softphone joins."""
        if not self.consulted(colleague_id):
            raise DomainError("no consult is asking you")
        assert self.consult is not None
        return [
            ev.ConsultEnded(
                interaction_id=self.key,
                agent_id=self.consult.agent_id,
                colleague_id=colleague_id,
                reason="declined",
            )
        ]

    def streamed_leg(self, agent_id: int) -> CallLeg:
        """The agent's live call whose audio is on the platform (only those are recorded and
        take keypad tones from the softphone)."""
        leg = self.controlled_by(agent_id)
        if not leg.stream_sid or leg.stream_sid in self.streams_ended:
            raise DomainError("only calls on the platform's media path are recorded here")
        return leg

    def pause_recording(self, agent_id: int) -> list[DomainEvent]:
        """Silence in the recording from now (the caller reads a card number)."""
        self.streamed_leg(agent_id)
        if self.recording_paused:
            raise DomainError("the recording is already paused")
        return [ev.RecordingPaused(interaction_id=self.key, agent_id=agent_id)]

    def resume_recording(self, agent_id: int) -> list[DomainEvent]:
        self.streamed_leg(agent_id)
        if not self.recording_paused:
            raise DomainError("the recording is not paused")
        return [ev.RecordingResumed(interaction_id=self.key, agent_id=agent_id)]

    def recording_saved(
        self, call_sid: str, name: str, *, seconds: float, paused_seconds: float
    ) -> list[DomainEvent]:
        if name in self.recordings:
            return []
        return [
            ev.RecordingSaved(
                interaction_id=self.key,
                call_sid=call_sid,
                name=name,
                seconds=round(seconds, 2),
                paused_seconds=round(paused_seconds, 2),
            )
        ]

    def recording_deleted(self, name: str, reason: str) -> list[DomainEvent]:
        """A stored recording is deleted (retention, erasure); nothing for one already gone."""
        if name not in self.recordings:
            return []
        return [ev.RecordingDeleted(interaction_id=self.key, name=name, reason=reason)]

    def supervision_started(self, supervisor_id: int, mode: str) -> list[DomainEvent]:
        """A supervisor joins the call's audio, or changes mode (nothing when unchanged)."""
        if self.supervisors.get(supervisor_id) == mode:
            return []
        return [
            ev.SupervisionStarted(interaction_id=self.key, supervisor_id=supervisor_id, mode=mode)
        ]

    def supervision_ended(self, supervisor_id: int, reason: str) -> list[DomainEvent]:
        if supervisor_id not in self.supervisors:
            return []
        return [
            ev.SupervisionEnded(interaction_id=self.key, supervisor_id=supervisor_id, reason=reason)
        ]
