"""The matching core: which waiting interaction goes to which agent, and why. No I/O.

Work is served by priority, then age (oldest first, always). For each item the eligible agents
are those who are available, belong to the item's queue (or a queue an overflow step added),
meet its skill requirements (as relaxed by overflow steps for its age), have free capacity on
its channel (a call blocks other work when the agent says so) and have not already let this
item go by. The queue's strategy picks among them. A customer's known agent, or the agent an
interaction was transferred to, is tried first.

The same `Matcher` runs in the router (kept from round to round: each round gives it the
agents whose rows changed and the work waiting) and in the simulator (kept for a whole run,
fed arrivals and departures on a virtual clock).

Cost: items wait in one heap per queue, and agents in a heap per (queue, channel, requirement)
pool ordered by the strategy, with stale entries dropped lazily; so a decision costs O(log n)
in the number of waiting items, and a queue whose oldest item finds nobody is passed over for
the rest of the round instead of being scanned item by item.
"""

import heapq
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

EPOCH = datetime(1970, 1, 1).astimezone()
RUNNERS_UP = 3
# Items with requirements of their own that may fail in one queue before it is passed over.
SPECIFIC_FAILURES_PER_QUEUE = 32
# Pools a matcher keeps (one per requirement met so far) before it starts them afresh.
MAX_POOLS = 256


@dataclass(frozen=True)
class OverflowRule:
    after_seconds: int
    action: str  # relax_skill, add_queue_agents, move_to_queue
    skill: str = ""
    relaxed_level: int = 0
    target_queue_id: int | None = None


@dataclass(frozen=True)
class QueuePolicy:
    queue_id: int
    name: str = ""
    strategy: str = "longest_idle"
    required_skills: Mapping[str, int] = field(default_factory=dict)
    overflow: tuple[OverflowRule, ...] = ()
    is_open: bool = True


@dataclass(frozen=True)
class WorkItem:
    interaction_id: str
    queue_id: int
    channel: str
    waiting_since: datetime  # first queued: its age for ordering, kept across transfers
    queued_at: datetime | None = None  # entered this queue: overflow steps count from here
    priority: int = 0
    required_skills: Mapping[str, int] = field(default_factory=dict)  # beyond the queue's
    preferred_agent_id: int | None = None  # transferred to this agent: only them
    known_agent_id: int | None = None  # served this customer lately: them first
    supervisors_only: bool = False
    declined_by: frozenset[int] = frozenset()

    def sort_key(self) -> tuple:
        return (-self.priority, self.waiting_since, self.interaction_id)

    @property
    def generic(self) -> bool:
        """True when any other item of its queue and channel would meet the same fate."""
        return not (
            self.required_skills
            or self.preferred_agent_id
            or self.declined_by
            or self.known_agent_id
            or self.supervisors_only
        )


@dataclass
class Agent:
    agent_id: int
    name: str = ""
    skills: Mapping[str, int] = field(default_factory=dict)
    capacity: Mapping[str, int] = field(default_factory=dict)
    load: dict[str, int] = field(default_factory=dict)
    queues: frozenset[int] = frozenset()
    available: bool = True
    idle_since: datetime = EPOCH
    last_offer_at: datetime | None = None
    voice_blocks_other_work: bool = True  # the agent's setting: calls block other work
    # Channels whose work blocks all other work while the agent has some (a call): the
    # registry's exclusive channels, handed in so this module stays pure.
    exclusive: frozenset[str] = frozenset()
    is_supervisor: bool = False
    version: int = 0  # bumped on every change, so pools can spot stale entries

    def has_room(self, channel: str) -> bool:
        if not self.available:
            return False
        if self.load.get(channel, 0) >= self.capacity.get(channel, 0):
            return False
        if channel in self.exclusive or not self.voice_blocks_other_work:
            return True
        return not any(self.load.get(other, 0) for other in self.exclusive)

    def busy(self) -> bool:
        return any(self.load.values())

    def occupancy(self, channel: str) -> tuple[float, float]:
        own = self.load.get(channel, 0) / max(1, self.capacity.get(channel, 0))
        total = sum(self.load.values()) / max(1, sum(self.capacity.values()))
        return own, total

    def skill_score(self, required: Mapping[str, int]) -> int:
        return sum(self.skills.get(name, 0) for name in required)

    def idle_key(self) -> tuple:
        # No work at all first, by how long they have been idle; then agents with some work,
        # by how long since their last offer.
        if not self.busy():
            return (0, self.idle_since)
        return (1, self.last_offer_at or self.idle_since)


@dataclass(frozen=True)
class Assignment:
    interaction_id: str
    agent_id: int
    queue_id: int
    channel: str
    decision: dict[str, Any]


@dataclass(frozen=True)
class Requirement:
    """What an agent must have to take an item: the pool it draws from."""

    queues: frozenset[int]
    channel: str
    skills: tuple[tuple[str, int], ...]
    supervisors_only: bool
    strategy: str

    def admits(self, agent: Agent) -> bool:
        if agent.capacity.get(self.channel, 0) <= 0:
            return False
        if self.supervisors_only:  # an escalation: any supervisor, whatever their queues
            return agent.is_supervisor
        if not agent.queues & self.queues:
            return False
        return all(agent.skills.get(name, 0) >= level for name, level in self.skills)

    def key(self, agent: Agent) -> tuple:
        match self.strategy:
            case "least_occupied":
                return (*agent.occupancy(self.channel), *agent.idle_key(), agent.agent_id)
            case "most_skilled":
                return (-agent.skill_score(dict(self.skills)), *agent.idle_key(), agent.agent_id)
            case "round_robin":
                return (agent.last_offer_at or EPOCH, agent.agent_id)
            case _:
                return (*agent.idle_key(), agent.agent_id)


class Pool:
    """Agents who meet one Requirement, best first by its strategy; entries go stale when an
    agent changes and are refreshed when they surface."""

    def __init__(self, requirement: Requirement, agents: Iterable[Agent]):
        self.requirement = requirement
        self.qualified: set[int] = set()
        self._heap: list[tuple[tuple, int, int]] = []
        # agent id -> the version of its live entry: what a compaction keeps, in a pool kept
        # from round to round (the router's), where stale entries would otherwise pile up.
        self._live: dict[int, int] = {}
        for agent in agents:
            self.offer(agent)

    @property
    def size(self) -> int:
        return len(self.qualified)

    def offer(self, agent: Agent) -> None:
        """Take in an agent who is new or changed; the Matcher calls this on every change."""
        if not self.requirement.admits(agent):
            self.forget(agent.agent_id)
            return
        self.qualified.add(agent.agent_id)
        if agent.has_room(self.requirement.channel):
            heapq.heappush(self._heap, (self.requirement.key(agent), agent.agent_id, agent.version))
            self._live[agent.agent_id] = agent.version
            if len(self._heap) > 2 * len(self._live) + 64:
                self._compact()
        else:
            self._live.pop(agent.agent_id, None)

    def forget(self, agent_id: int) -> None:
        """An agent gone (not among the candidates any more), or no longer admitted."""
        self.qualified.discard(agent_id)
        self._live.pop(agent_id, None)

    def _compact(self) -> None:
        self._heap = [e for e in self._heap if self._live.get(e[1]) == e[2]]
        heapq.heapify(self._heap)

    def best(self, agents: Mapping[int, Agent], item: WorkItem, count: int = 1) -> list[Agent]:
        """Up to `count` agents with room for `item`, best first; the pool keeps them.

        An entry older than its agent's last change is dropped (the change pushed a fresh
        one), and so is an agent gone or with no room: it comes back with the change that
        frees it.
        """
        found: list[tuple] = []
        declined: list[tuple] = []
        while self._heap and len(found) < count:
            entry = heapq.heappop(self._heap)
            agent = agents.get(entry[1])
            if (
                agent is None
                or entry[2] != agent.version
                or not agent.has_room(self.requirement.channel)
            ):
                continue
            (declined if agent.agent_id in item.declined_by else found).append(entry)
        for entry in (*found, *declined):
            heapq.heappush(self._heap, entry)
        return [agents[entry[1]] for entry in found]


class Matcher:
    def __init__(self, queues: Mapping[int, QueuePolicy], agents: Iterable[Agent] = ()):
        self.queues = dict(queues)
        self.agents: dict[int, Agent] = {}
        # One heap per queue of (order, entry number, item); an entry counts only while it is
        # the item's live one, so removing or moving an item never needs a heap search.
        self._items: dict[int, list[tuple[tuple, int, WorkItem]]] = {}
        self._live: dict[str, int] = {}
        self._pools: dict[Requirement, Pool] = {}
        self._sequence = itertools.count()
        for agent in agents:
            self.set_agent(agent)

    # -- feeding it ---------------------------------------------------------------------

    def add(self, item: WorkItem) -> None:
        """Add an item, or replace the one with its id (moved to another queue, say)."""
        entry = next(self._sequence)
        self._live[item.interaction_id] = entry
        heapq.heappush(self._items.setdefault(item.queue_id, []), (item.sort_key(), entry, item))

    def remove(self, interaction_id: str) -> None:
        self._live.pop(interaction_id, None)

    def withdraw_all(self) -> None:
        """No work waits any more: a matcher kept from round to round is given each round's
        waiting work afresh (the router's), its agents and pools kept."""
        self._items.clear()
        self._live.clear()

    def set_agent(self, agent: Agent) -> None:
        """Add an agent or record a change to one (presence, load, skills)."""
        agent.version = next(self._sequence)
        self.agents[agent.agent_id] = agent
        for pool in self._pools.values():
            pool.offer(agent)

    def remove_agent(self, agent_id: int) -> None:
        """An agent no longer among the candidates at all (a router's claim did not find them
        available, or another router holds them)."""
        if self.agents.pop(agent_id, None) is not None:
            for pool in self._pools.values():
                pool.forget(agent_id)

    def waiting(self) -> int:
        return len(self._live)

    # -- deciding -----------------------------------------------------------------------

    def assign(self, now: datetime, limit: int | None = None) -> list[Assignment]:
        """Offer as much waiting work as agents have room for, best item first."""
        assignments: list[Assignment] = []
        heads = []
        for queue_id, heap in self._items.items():
            self._drop_removed(heap)
            policy = self.queues.get(queue_id)
            if heap and policy is not None and policy.is_open:
                heads.append((heap[0][0], queue_id))
        heapq.heapify(heads)
        parked: dict[int, list[tuple[tuple, int, WorkItem]]] = {}
        failures: dict[int, int] = {}
        while heads and (limit is None or len(assignments) < limit):
            _, queue_id = heapq.heappop(heads)
            heap = self._items[queue_id]
            entry = heapq.heappop(heap)
            item = entry[2]
            assignment = self._decide(item, now)
            if assignment is not None:
                assignments.append(assignment)
                del self._live[item.interaction_id]
            else:
                parked.setdefault(queue_id, []).append(entry)
                failures[queue_id] = failures.get(queue_id, 0) + 1
                if item.generic or failures[queue_id] >= SPECIFIC_FAILURES_PER_QUEUE:
                    continue  # nobody for this queue's work this round: pass it over
            self._drop_removed(heap)
            if heap:
                heapq.heappush(heads, (heap[0][0], queue_id))
        for queue_id, entries in parked.items():
            for entry in entries:
                heapq.heappush(self._items[queue_id], entry)
        return assignments

    def _drop_removed(self, heap: list[tuple[tuple, int, WorkItem]]) -> None:
        while heap and self._live.get(heap[0][2].interaction_id) != heap[0][1]:
            heapq.heappop(heap)

    def _decide(self, item: WorkItem, now: datetime) -> Assignment | None:
        policy = self.queues[item.queue_id]
        requirement, steps = self._requirement(item, policy, now)
        preferred = self.agents.get(item.preferred_agent_id or -1)
        if preferred is not None and preferred.agent_id not in item.declined_by:
            # Transferred to this agent: only them, whatever their queues and skills, until
            # they decline it; then it is the queue's again.
            if preferred.has_room(item.channel) and (
                preferred.is_supervisor or not item.supervisors_only
            ):
                return self._assign(
                    item, preferred, requirement, "transferred to this agent", steps, [], 1, now
                )
            return None
        known = self.agents.get(item.known_agent_id or -1)
        if (
            known is not None
            and known.agent_id not in item.declined_by
            and requirement.admits(known)
            and known.has_room(item.channel)
        ):
            return self._assign(
                item,
                known,
                requirement,
                "known agent: served this customer last",
                steps,
                [],
                1,
                now,
            )
        pool = self._pool(requirement)
        chosen = pool.best(self.agents, item, count=1 + RUNNERS_UP)
        if not chosen:
            return None
        reason = f"{policy.strategy.replace('_', ' ')} among {pool.size} qualified"
        return self._assign(item, chosen[0], requirement, reason, steps, chosen[1:], pool.size, now)

    def _requirement(
        self, item: WorkItem, policy: QueuePolicy, now: datetime
    ) -> tuple[Requirement, list[int]]:
        skills = dict(policy.required_skills)
        skills.update(item.required_skills)
        queues = {item.queue_id}
        steps = []
        age = (now - (item.queued_at or item.waiting_since)).total_seconds()
        for index, rule in enumerate(policy.overflow):
            if rule.after_seconds > age:
                break
            if rule.action == "relax_skill" and rule.skill in skills:
                steps.append(index)
                if rule.relaxed_level <= 0:
                    del skills[rule.skill]
                else:
                    skills[rule.skill] = min(skills[rule.skill], rule.relaxed_level)
            elif rule.action == "add_queue_agents" and rule.target_queue_id is not None:
                steps.append(index)
                queues.add(rule.target_queue_id)
        requirement = Requirement(
            queues=frozenset(queues),
            channel=item.channel,
            skills=tuple(sorted(skills.items())),
            supervisors_only=item.supervisors_only,
            strategy=policy.strategy,
        )
        return requirement, steps

    def _pool(self, requirement: Requirement) -> Pool:
        pool = self._pools.get(requirement)
        if pool is None:
            if len(self._pools) >= MAX_POOLS:  # a matcher kept for long: rebuilt as asked
                self._pools.clear()
            pool = self._pools[requirement] = Pool(requirement, self.agents.values())
        return pool

    def _assign(
        self,
        item: WorkItem,
        agent: Agent,
        requirement: Requirement,
        reason: str,
        steps: list[int],
        runners_up: list[Agent],
        qualified: int,
        now: datetime,
    ) -> Assignment:
        decision = {
            "strategy": requirement.strategy,
            "reason": reason,
            "qualified": qualified,
            "required_skills": dict(requirement.skills),
            "queues": sorted(requirement.queues),
            "overflow_steps": steps,
            "chosen": self._describe(agent, requirement),
            "runners_up": [self._describe(a, requirement) for a in runners_up],
        }
        agent.load[item.channel] = agent.load.get(item.channel, 0) + 1
        agent.last_offer_at = now
        self.set_agent(agent)
        return Assignment(
            item.interaction_id, agent.agent_id, item.queue_id, item.channel, decision
        )

    @staticmethod
    def _describe(agent: Agent, requirement: Requirement) -> dict:
        _, total = agent.occupancy(requirement.channel)
        return {
            "agent_id": agent.agent_id,
            "name": agent.name,
            "idle_since": agent.idle_since.isoformat() if not agent.busy() else None,
            "load": {c: n for c, n in agent.load.items() if n},
            "occupancy": round(total, 3),
            "skill_score": agent.skill_score(dict(requirement.skills)),
        }


def match(
    items: Iterable[WorkItem],
    agents: Iterable[Agent],
    queues: Mapping[int, QueuePolicy],
    now: datetime,
    limit: int | None = None,
) -> list[Assignment]:
    """One round: the assignments for `items` given `agents` right now."""
    matcher = Matcher(queues, agents)
    for item in items:
        matcher.add(item)
    return matcher.assign(now, limit)
