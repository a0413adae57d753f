"""The simulator: the real matching core on a virtual clock, with a synthetic workload.

Arrivals are Poisson per queue; handle times exponential or log-normal; patience (for
abandonment) exponential; agents have skills, capacities and shifts. Offers may go unanswered
(`answer_probability`) and then time out after the queue's offer timeout, like the router's
timers; overflow steps apply by age, and "move to another queue" steps fire at their time.
Nothing sleeps: time jumps from event to event.

Service level here is answered within the threshold ÷ (answered + abandoned), the offered-based
variant; with nobody abandoning it equals the answered-based one Erlang C predicts.
"""

import math
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from routing import erlang
from routing.matching import Agent, Matcher, OverflowRule, QueuePolicy, WorkItem
from routing.virtual_clock import START, VirtualClock

__all__ = ["START", "Scenario", "Simulation", "simulate"]


@dataclass(frozen=True)
class QueueSpec:
    name: str
    arrivals_per_hour: float
    aht_seconds: float
    sl_threshold_seconds: float = 20
    channel: str = "voice"
    handle_dist: str = "exponential"  # or lognormal
    handle_sigma: float = 0.8  # log-normal shape
    patience_seconds: float | None = None  # mean; None: nobody abandons
    required_skills: dict[str, int] = field(default_factory=dict)
    strategy: str = "longest_idle"
    priority: int = 0
    offer_timeout_seconds: float = 30
    overflow: tuple[OverflowRule, ...] = ()


@dataclass(frozen=True)
class AgentSpec:
    name: str
    queues: tuple[str, ...]
    skills: dict[str, int] = field(default_factory=dict)
    capacity: dict[str, int] = field(default_factory=lambda: {"voice": 1})
    shift: tuple[float, float] | None = None  # hours from the start: on at, off at
    answer_probability: float = 1.0


@dataclass(frozen=True)
class Scenario:
    queues: tuple[QueueSpec, ...]
    agents: tuple[AgentSpec, ...]
    hours: float
    seed: int = 1
    wrap_up_seconds: float = 0.0

    @classmethod
    def single_queue(
        cls,
        *,
        agents: int,
        arrivals_per_hour: float,
        aht: float,
        sl_threshold: float,
        hours: float,
        seed: int,
        patience: float | None = None,
        handle_dist: str = "exponential",
    ) -> "Scenario":
        """The M/M/c shorthand of `simulate --agents N --arrivals-per-hour R …`."""
        queue = QueueSpec(
            name="default",
            arrivals_per_hour=arrivals_per_hour,
            aht_seconds=aht,
            sl_threshold_seconds=sl_threshold,
            handle_dist=handle_dist,
            patience_seconds=patience,
        )
        return cls(
            queues=(queue,),
            agents=tuple(
                AgentSpec(name=f"agent{n}", queues=("default",)) for n in range(1, agents + 1)
            ),
            hours=hours,
            seed=seed,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Scenario":
        """A scenario file (JSON): see docs/routing.md for its fields."""
        queues = tuple(
            QueueSpec(
                **{k: v for k, v in q.items() if k != "overflow"},
                overflow=tuple(OverflowRule(**rule) for rule in q.get("overflow", ())),
            )
            for q in data["queues"]
        )
        agents = []
        for spec in data["agents"]:
            count = spec.get("count", 1)
            fields = {k: v for k, v in spec.items() if k != "count"}
            fields["queues"] = tuple(fields["queues"])
            if "shift" in fields:
                fields["shift"] = tuple(fields["shift"])
            for n in range(count):
                name = fields.get("name", "agent")
                agents.append(
                    AgentSpec(**{**fields, "name": f"{name}{n + 1}" if count > 1 else name})
                )
        return cls(
            queues=queues,
            agents=tuple(agents),
            hours=data["hours"],
            seed=data.get("seed", 1),
            wrap_up_seconds=data.get("wrap_up_seconds", 0.0),
        )


@dataclass
class QueueStats:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    within_threshold: int = 0
    total_wait: float = 0.0
    still_waiting: int = 0

    def service_level(self) -> float:
        finished = self.answered + self.abandoned
        return self.within_threshold / finished if finished else 1.0

    def asa(self) -> float:
        return self.total_wait / self.answered if self.answered else 0.0


class Simulation:
    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.rng = random.Random(scenario.seed)
        self.specs = {q.name: q for q in scenario.queues}
        self.queue_ids = {q.name: n for n, q in enumerate(scenario.queues, start=1)}
        self.queue_names = {n: name for name, n in self.queue_ids.items()}
        policies = {
            self.queue_ids[q.name]: QueuePolicy(
                queue_id=self.queue_ids[q.name],
                name=q.name,
                strategy=q.strategy,
                required_skills=q.required_skills,
                overflow=tuple(self._resolve(rule) for rule in q.overflow),
            )
            for q in scenario.queues
        }
        self.matcher = Matcher(policies)
        self.agent_specs = {n: spec for n, spec in enumerate(scenario.agents, start=1)}
        self.stats = {q.name: QueueStats() for q in scenario.queues}
        self.timeline = VirtualClock(START)
        self.waiting: dict[str, tuple[WorkItem, float]] = {}  # id -> (item, arrived at)
        self.ringing: set[str] = set()  # offered to an agent who will not answer
        self.gone: set[str] = set()  # left while ringing
        self.busy_integral = 0.0
        self.staffed_integral = 0.0
        self._utilisation: dict[int, tuple[float, float]] = {}  # agent -> (since, used share)
        self.interactions = 0

    def _resolve(self, rule: OverflowRule) -> OverflowRule:
        target = rule.target_queue_id
        if isinstance(target, str):
            target = self.queue_ids[target]
        return OverflowRule(rule.after_seconds, rule.action, rule.skill, rule.relaxed_level, target)

    # -- the event loop ---------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.timeline.now

    def at(self, seconds: float, kind: str, payload: Any = None) -> None:
        self.timeline.at(seconds, kind, payload)

    def clock(self, seconds: float | None = None) -> datetime:
        return self.timeline.datetime(seconds)

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        horizon = self.scenario.hours * 3600
        for spec in self.scenario.queues:
            self.at(self._gap(spec), "arrival", spec.name)
        for agent_id, spec in self.agent_specs.items():
            on, off = spec.shift or (0, self.scenario.hours)
            self.at(on * 3600, "shift_start", agent_id)
            self.at(min(off * 3600, horizon), "shift_end", agent_id)
        while self.timeline:
            seconds, kind, payload = self.timeline.pop(advance=False)
            if seconds > horizon and kind == "arrival":
                continue
            self.timeline.now = seconds
            getattr(self, f"_on_{kind}")(payload)
            if kind in {"arrival", "shift_start", "done", "offer_expired", "overflow_move"}:
                self._dispatch()
        for item, _ in self.waiting.values():
            self.stats[self.queue_names[item.queue_id]].still_waiting += 1
        for agent_id in list(self._utilisation):
            self._account(agent_id, None)
        return self.report(time.perf_counter() - started)

    def _gap(self, spec: QueueSpec) -> float:
        return self.now + self.rng.expovariate(spec.arrivals_per_hour / 3600)

    def _handle_time(self, spec: QueueSpec) -> float:
        if spec.handle_dist == "lognormal":
            sigma = spec.handle_sigma
            mu = math.log(spec.aht_seconds) - sigma**2 / 2  # keeps the mean at the AHT
            return self.rng.lognormvariate(mu, sigma)
        return self.rng.expovariate(1 / spec.aht_seconds)

    # -- events ------------------------------------------------------------------------------

    def _on_arrival(self, name: str) -> None:
        spec = self.specs[name]
        self.interactions += 1
        interaction_id = f"i{self.interactions}"
        item = WorkItem(
            interaction_id=interaction_id,
            queue_id=self.queue_ids[name],
            channel=spec.channel,
            waiting_since=self.clock(),
            queued_at=self.clock(),
            priority=spec.priority,
        )
        self.stats[name].offered += 1
        self.waiting[interaction_id] = (item, self.now)
        self.matcher.add(item)
        if spec.patience_seconds:
            self.at(
                self.now + self.rng.expovariate(1 / spec.patience_seconds),
                "abandon",
                interaction_id,
            )
        for index, rule in enumerate(spec.overflow):
            if rule.action == "move_to_queue":
                self.at(
                    self.now + rule.after_seconds,
                    "overflow_move",
                    (interaction_id, item.queue_id, index),
                )
        self.at(self._gap(spec), "arrival", name)

    def _on_abandon(self, interaction_id: str) -> None:
        entry = self.waiting.pop(interaction_id, None)
        if entry is not None:
            self.matcher.remove(interaction_id)
            self.stats[self.queue_names[entry[0].queue_id]].abandoned += 1
        elif interaction_id in self.ringing:
            self.gone.add(interaction_id)

    def _on_overflow_move(self, payload: tuple[str, int, int]) -> None:
        interaction_id, queue_id, index = payload
        entry = self.waiting.get(interaction_id)
        if entry is None or entry[0].queue_id != queue_id:
            return  # answered, gone, or moved on already
        item, arrived = entry
        rule = self.matcher.queues[item.queue_id].overflow[index]
        moved = WorkItem(
            **{**item.__dict__, "queue_id": rule.target_queue_id, "queued_at": self.clock()}
        )
        self.matcher.remove(interaction_id)
        self.matcher.add(moved)
        self.waiting[interaction_id] = (moved, arrived)

    def _on_shift_start(self, agent_id: int) -> None:
        spec = self.agent_specs[agent_id]
        agent = Agent(
            agent_id=agent_id,
            name=spec.name,
            skills=spec.skills,
            capacity=dict(spec.capacity),
            load={},
            queues=frozenset(self.queue_ids[q] for q in spec.queues),
            idle_since=self.clock(),
        )
        self.matcher.set_agent(agent)
        self._utilisation[agent_id] = (self.now, 0.0)

    def _on_shift_end(self, agent_id: int) -> None:
        agent = self.matcher.agents[agent_id]
        agent.available = False  # finishes what it has, takes nothing new
        self.matcher.set_agent(agent)
        if not agent.busy():
            self._account(agent_id, None)

    def _on_done(self, payload: tuple[int, str]) -> None:
        agent_id, channel = payload
        agent = self.matcher.agents[agent_id]
        agent.load[channel] -= 1
        if not agent.busy():
            agent.idle_since = self.clock()
        self.matcher.set_agent(agent)
        self._account(agent_id, agent)

    def _on_offer_expired(self, payload: tuple[int, str, WorkItem, float]) -> None:
        agent_id, channel, item, arrived = payload
        agent = self.matcher.agents[agent_id]
        agent.load[channel] -= 1
        self.matcher.set_agent(agent)
        self._account(agent_id, agent)
        self.ringing.discard(item.interaction_id)
        if item.interaction_id in self.gone:
            self.stats[self.queue_names[item.queue_id]].abandoned += 1
            return
        again = WorkItem(**{**item.__dict__, "declined_by": item.declined_by | {agent_id}})
        self.waiting[item.interaction_id] = (again, arrived)
        self.matcher.add(again)

    def _dispatch(self) -> None:
        for assignment in self.matcher.assign(self.clock()):
            item, arrived = self.waiting.pop(assignment.interaction_id)
            agent = self.matcher.agents[assignment.agent_id]
            self._account(agent.agent_id, agent)
            spec = self.specs[self.queue_names[item.queue_id]]
            if self.rng.random() >= self.agent_specs[agent.agent_id].answer_probability:
                self.ringing.add(item.interaction_id)
                self.at(
                    self.now + spec.offer_timeout_seconds,
                    "offer_expired",
                    (agent.agent_id, assignment.channel, item, arrived),
                )
                continue
            stats = self.stats[spec.name]
            wait = self.now - arrived
            stats.answered += 1
            stats.total_wait += wait
            if wait <= spec.sl_threshold_seconds:
                stats.within_threshold += 1
            busy_for = self._handle_time(spec) + self.scenario.wrap_up_seconds
            self.at(self.now + busy_for, "done", (agent.agent_id, assignment.channel))

    def _account(self, agent_id: int, agent: Agent | None) -> None:
        """Integrate capacity used over staffed time: occupancy weighted by capacity."""
        since, share = self._utilisation.get(agent_id, (self.now, 0.0))
        elapsed = self.now - since
        self.busy_integral += elapsed * share
        self.staffed_integral += elapsed
        if agent is None or (not agent.available and not agent.busy()):
            self._utilisation.pop(agent_id, None)
            return
        used = sum(agent.load.values()) / max(1, sum(agent.capacity.values()))
        self._utilisation[agent_id] = (self.now, used)

    # -- results -----------------------------------------------------------------------------

    def report(self, wall_seconds: float) -> dict[str, Any]:
        queues = {}
        occupancy = self.busy_integral / self.staffed_integral if self.staffed_integral else 0.0
        for spec in self.scenario.queues:
            stats = self.stats[spec.name]
            staffed = sum(1 for a in self.scenario.agents if spec.name in a.queues)
            prediction = erlang.predict(
                agents=staffed,
                arrivals_per_hour=spec.arrivals_per_hour,
                aht_seconds=spec.aht_seconds,
                sl_threshold_seconds=spec.sl_threshold_seconds,
            )
            queues[spec.name] = {
                "offered": stats.offered,
                "answered": stats.answered,
                "abandoned": stats.abandoned,
                "service_level": round(stats.service_level(), 4),
                "asa_seconds": round(stats.asa(), 2),
                "occupancy": round(occupancy, 4),
                "erlang_c": {
                    "agents": staffed,
                    "p_wait": round(prediction.p_wait, 4),
                    "service_level": round(prediction.service_level, 4),
                    "asa_seconds": round(prediction.asa_seconds, 2)
                    if math.isfinite(prediction.asa_seconds)
                    else None,
                },
            }
        return {
            "simulated_interactions": self.interactions,
            "wall_seconds": round(wall_seconds, 3),
            "queues": queues,
        }


def simulate(scenario: Scenario) -> dict[str, Any]:
    return Simulation(scenario).run()
