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


class VoiceCall(Aggregate):
    """The interaction and its calls, folded from its stream."""

    stream_prefix = "interaction"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.interaction = Interaction()
        self.calls: dict[str, CallLeg] = {}
        self.callback_pending = False

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
            case "CallbackRequested":
                self.callback_pending = True
            case "CallbackPlaced":
                self.callback_pending = self.callback_pending and bool(event.data["error"])

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
