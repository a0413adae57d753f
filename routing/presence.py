"""Agents' presence: offline, available, away with a reason. Every change is an event."""

from datetime import datetime

from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import DomainError
from routing import events as ev
from routing.models import AgentProfile, AgentState, AwayReason

PRESENCES = ("offline", "available", "away")
MISSED_OFFERS = "missed_offers"
DISCONNECTED = "disconnected"
SOFTPHONE = "softphone"  # the voice endpoint that is the console's WebRTC softphone
CONSOLE_GONE = "the console went away"


def stream_id(agent_id: int) -> str:
    return f"agent-{agent_id}"


def current(agent_id: int) -> AgentState:
    return AgentState.objects.filter(pk=agent_id).first() or AgentState(agent_id=agent_id)


class AgentPresence(Aggregate):
    """An agent's stream (`agent-<id>`): presence changes and console connections. It decides
    from the agent's inline projection (AgentState), so loading reads only the head version."""

    stream_prefix = "agent"
    folds = False

    @classmethod
    def load(cls, key: int) -> "AgentPresence":
        aggregate = super().load(key)
        aggregate.state = current(key)
        return aggregate

    def change(
        self, presence: str, reason: str, *, changed_by: str, capacity: dict[str, int]
    ) -> list[DomainEvent]:
        """Go `presence` (with an away `reason`); nothing when it already is exactly that."""
        if presence not in PRESENCES:
            raise DomainError(f"unknown presence {presence!r}; use one of {', '.join(PRESENCES)}")
        if presence == "away":
            if not reason:
                raise DomainError("going away needs a reason")
            if reason != MISSED_OFFERS and not AwayReason.objects.filter(code=reason).exists():
                raise DomainError(f"unknown away reason {reason!r}")
        elif presence == "offline" and reason == DISCONNECTED and changed_by == "system":
            pass  # offline because the console went away and did not come back (consoles.py)
        else:
            reason = ""
        if self.state.presence == presence and self.state.away_reason == reason:
            return []
        return [
            ev.AgentPresenceChanged(
                agent_id=self.key,
                presence=presence,
                reason=reason,
                previous=self.state.presence,
                changed_by=changed_by,
                capacity=capacity,
            )
        ]

    def softphone(self, on: bool, reason: str = "") -> list[DomainEvent]:
        """The console's softphone turned on (microphone allowed) or off; nothing when it
        already is."""
        if on == self.state.softphone_on:
            return []
        if on:
            return [ev.SoftphoneTurnedOn(agent_id=self.key)]
        return [ev.SoftphoneTurnedOff(agent_id=self.key, reason=reason or "turned off")]

    def reconnect(self) -> list[DomainEvent]:
        """A console is open again: as before, if the agent was within the grace period."""
        if self.state.disconnected_since is None:
            return []
        return [ev.AgentReconnected(agent_id=self.key)]

    def disconnect(self, grace_until: datetime, why: str) -> list[DomainEvent]:
        """No console left: offline at `grace_until` unless one comes back."""
        if self.state.disconnected_since is not None or self.state.presence == "offline":
            return []
        return [
            ev.AgentDisconnected(agent_id=self.key, grace_until=grace_until.isoformat(), why=why)
        ]


@command
def set_presence(
    agent_id: int, presence: str, reason: str = "", *, changed_by: str = "agent"
) -> bool:
    """Change an agent's presence; False when it already was exactly that."""
    profile = AgentProfile.objects.filter(user_id=agent_id).first()
    if presence in PRESENCES and profile is None:
        raise DomainError(f"user {agent_id} has no agent profile")
    agent = AgentPresence.load(agent_id)
    capacity = profile.capacity() if profile else {}
    events = agent.change(presence, reason, changed_by=changed_by, capacity=capacity)
    return bool(aggregates.append(agent, events))


@command
def set_softphone(agent_id: int, on: bool, reason: str = "") -> bool:
    """The agent's softphone is on or off now; False when it already was."""
    if not AgentProfile.objects.filter(user_id=agent_id).exists():
        raise DomainError(f"user {agent_id} has no agent profile")
    agent = AgentPresence.load(agent_id)
    return bool(aggregates.append(agent, agent.softphone(on, reason)))


def capacity_now(capacity: dict[str, int], voice_endpoint: str, softphone_on: bool) -> dict:
    """The capacity routing may fill: an agent who takes calls on the console's softphone
    takes none while it is off (or the microphone is not allowed) -- a call offered there
    would ring nowhere."""
    if voice_endpoint == SOFTPHONE and not softphone_on and capacity.get("voice"):
        return {**capacity, "voice": 0}
    return capacity


# -- time in each state, from the log ---------------------------------------------------------

WORK_EVENTS = {
    "OfferCreated": "offered",
    "OfferAccepted": "active",
    "InteractionAssigned": "active",
    "WrapUpStarted": "wrap_up",
}
WORK_ENDS = {
    "OfferRejected",
    "OfferTimedOut",
    "OfferRescinded",
    "WrapUpCompleted",
    "InteractionTransferred",
    "InteractionClosed",
}


def state_at(presence: str, reason: str, work: dict[str, str]) -> str:
    """The one word for an agent's state: offline, away:<reason>, busy, wrap_up or idle."""
    if presence == "offline":
        return "offline"
    if presence == "away":
        return f"away:{reason}"
    stages = set(work.values())
    if stages & {"offered", "active"}:
        return "busy"
    return "wrap_up" if stages else "idle"


def time_in_states(events, start, end) -> dict[str, float]:
    """Seconds spent in each state between `start` and `end`, folded from an agent's
    presence events and the interaction events that name the agent (log order)."""
    totals: dict[str, float] = {}
    presence, reason, work = "offline", "", {}
    cursor = start
    for event in events:
        at = min(max(event.occurred_at, start), end)
        current = state_at(presence, reason, work)
        totals[current] = totals.get(current, 0.0) + (at - cursor).total_seconds()
        cursor = at
        data = event.data
        if event.type == "AgentPresenceChanged":
            presence, reason = data["presence"], data.get("reason", "")
        elif event.type in WORK_EVENTS:
            work[data["interaction_id"]] = WORK_EVENTS[event.type]
        elif event.type in WORK_ENDS:
            work.pop(data["interaction_id"], None)
    current = state_at(presence, reason, work)
    totals[current] = totals.get(current, 0.0) + (end - cursor).total_seconds()
    return {state: seconds for state, seconds in totals.items() if seconds > 0}


def agent_events(agent_id: int):
    """The events of the log that change what an agent is doing, in log order."""
    from django.db.models import Q

    from contactcenter.events import store
    from contactcenter.events.models import Event

    naming_agent = Event.objects.filter(
        Q(type__in=[*WORK_EVENTS, *WORK_ENDS - {"InteractionTransferred"}], data__agent_id=agent_id)
        | Q(type="InteractionTransferred", data__from_agent_id=agent_id)
    ).order_by()
    streams = {stream_id(agent_id)} | set(naming_agent.values_list("stream_id", flat=True))
    mine = {"AgentPresenceChanged", *WORK_EVENTS, *WORK_ENDS}
    return [
        e
        for e in store.read_streams(sorted(streams))
        if e.type in mine
        and (
            e.type == "AgentPresenceChanged"
            or agent_id in (e.data.get("agent_id"), e.data.get("from_agent_id"))
        )
    ]
