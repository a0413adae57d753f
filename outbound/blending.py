"""Blended agents: who of a campaign's agents may take outbound work now. Pure.

Inbound keeps priority: an agent whose queues have inbound work waiting is left to the
router. An agent is given outbound work only once idle past the threshold (so the router,
which offers at once, always gets the first chance), and only with free voice capacity in
the one capacity model the router uses (AgentState.work, plus the outbound calls the agent
holds). Everyone else staffed on the campaign counts as busy for pacing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class AgentFloor:
    agent_id: int
    presence: str  # available, away, offline
    inbound_work: int  # interactions the router gave (offered, active, wrap-up)
    voice_capacity: int
    outbound_calls: int  # live dial attempts the agent holds
    idle_since: datetime | None
    inbound_waiting: bool  # inbound work waits in one of the agent's queues
    connected: bool = True  # a console is open


@dataclass(frozen=True)
class Split:
    ready: tuple[int, ...]  # may take outbound work now (longest idle first)
    busy: tuple[int, ...]  # staffed, but working (or left to inbound)


def split(agents: list[AgentFloor], now: datetime, idle_threshold: timedelta) -> Split:
    ready: list[AgentFloor] = []
    busy: list[int] = []
    for agent in agents:
        if agent.presence != "available" or not agent.connected:
            continue  # not staffed: neither ready nor busy
        load = agent.inbound_work + agent.outbound_calls
        idle_long_enough = (
            load == 0 and agent.idle_since is not None and now - agent.idle_since >= idle_threshold
        )
        if idle_long_enough and not agent.inbound_waiting and agent.voice_capacity > 0:
            ready.append(agent)
        else:
            busy.append(agent.agent_id)
    ready.sort(key=lambda a: (a.idle_since, a.agent_id))
    return Split(tuple(a.agent_id for a in ready), tuple(busy))
