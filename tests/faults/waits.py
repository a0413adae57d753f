"""How long work waited for an offer while one of the agents could have taken it, read from
the event log: the drill's measure of a router that kept up (tests/faults/test_drill.py).

A wait in itself proves nothing: with every agent busy a customer waits, and on a loaded
machine conversations last longer, so the line is longer. What must not happen is work
waiting while an agent sits idle. "Idle" is the strict reading: available, connected and
holding nothing (no offer, conversation or wrap-up) — an agent with room for a second chat is
not counted, so the measure never blames the router for capacity it may rightly keep."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

# Work is waiting for an offer from these on, until an OfferCreated (or it ends).
STARTS_WAITING = {
    "InteractionQueued",
    "OfferTimedOut",
    "OfferRejected",
    "OfferRescinded",
    "InteractionTransferred",
}
ENDS = {"InteractionAbandoned", "InteractionClosed"}
# An agent's hold on an interaction ends with these.
RELEASES = {"OfferTimedOut", "OfferRejected", "OfferRescinded", "WrapUpCompleted"} | ENDS


@dataclass
class Floor:
    agents: set[int]
    since: float
    presence: dict[int, str] = field(default_factory=dict)
    disconnected: set[int] = field(default_factory=set)
    holding: dict[int, set[str]] = field(default_factory=dict)
    waited: dict[str, float] = field(default_factory=dict)  # interaction -> idle-agent seconds
    longest: float = 0.0
    clock: float = 0.0

    def idle(self) -> bool:
        return any(
            self.presence.get(agent) == "available"
            and agent not in self.disconnected
            and not self.holding.get(agent)
            for agent in self.agents
        )

    def advance(self, to: float) -> None:
        start = max(self.clock, self.since)
        if to > start and self.idle():
            for interaction in self.waited:
                self.waited[interaction] += to - start
        self.clock = max(self.clock, to)

    def apply(self, kind: str, interaction: str, data: dict) -> None:
        agent = data.get("agent_id")
        if kind == "AgentPresenceChanged":
            self.presence[agent] = data.get("presence", "")
            self.disconnected.discard(agent)
        elif kind == "AgentDisconnected":
            self.disconnected.add(agent)
        elif kind == "AgentReconnected":
            self.disconnected.discard(agent)
        if kind == "OfferCreated":
            self.holding.setdefault(agent, set()).add(interaction)
            if interaction in self.waited:
                self.longest = max(self.longest, self.waited.pop(interaction))
        if kind in RELEASES or kind == "InteractionTransferred":
            for held in self.holding.values():
                held.discard(interaction)
        if kind in ENDS:
            self.waited.pop(interaction, None)
        elif kind in STARTS_WAITING:
            self.waited.setdefault(interaction, 0.0)


def longest_wait_with_an_idle_agent(
    events: Iterable[tuple[str, str, datetime, dict]], agents: set[int], since: float, now: float
) -> float:
    """`events`: (type, interaction id, occurred at, data) in log order. The longest time any
    work spent waiting for an offer, after `since`, while one of `agents` was idle."""
    floor = Floor(agents=agents, since=since)
    for kind, interaction, at, data in events:
        floor.advance(at.timestamp())
        floor.apply(kind, interaction, data)
    floor.advance(now)  # still waiting at the end
    return max([floor.longest, *floor.waited.values()])
