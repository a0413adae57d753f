"""The dialer on a virtual clock: the real pacing code (outbound/pacing.py) against contacts who
answer with probability P after a ring time, and agents who talk for a handle time. Pure.

`manage.py simulate_dialer` is its shell. The model:
- a dial that a person will answer rings for an exponential time (mean `ring_seconds`, cut at
  the no-answer timeout); one that nobody answers gives up at the no-answer timeout;
- an answered call goes to a ready agent at once; with none ready it waits the connect grace
  (2 s) for one, then is abandoned (it hears the campaign's message);
- handle times are exponential with mean `aht`; preview adds a reading time before each dial;
- progressive and preview reserve the agent for the line; predictive does not.
Nothing sleeps: the clock jumps from happening to happening (routing/virtual_clock.py).
"""

import random
import time
from dataclasses import dataclass
from typing import Any

from outbound.pacing import DEFAULT_ABANDON_CAP, Mode, PacingConfig, RollingWindow, decide
from routing.virtual_clock import VirtualClock

NO_ANSWER_TIMEOUT_SECONDS = 30.0
PREVIEW_SECONDS = 10.0  # an agent reads the record before dialling


@dataclass(frozen=True)
class DialerScenario:
    mode: Mode
    agents: int
    answer_rate: float
    aht_seconds: float
    dials: int
    seed: int = 1
    abandon_cap: float = DEFAULT_ABANDON_CAP
    ring_seconds: float = 15.0
    window_seconds: float = 24 * 3600.0

    def __post_init__(self) -> None:
        if self.agents < 1 or self.dials < 0 or self.aht_seconds <= 0 or self.ring_seconds <= 0:
            raise ValueError("agents >= 1, dials >= 0, aht and ring time > 0")
        if not 0 <= self.answer_rate <= 1:
            raise ValueError("the answer rate is a probability, 0..1")

    def config(self) -> PacingConfig:
        return PacingConfig(
            mode=self.mode,
            abandon_cap=self.abandon_cap,
            window_seconds=self.window_seconds,
            prior_aht_seconds=self.aht_seconds,
            prior_ring_seconds=self.ring_seconds,
        )


class DialerSimulation:
    def __init__(self, scenario: DialerScenario):
        self.scenario = scenario
        self.config = scenario.config()
        self.rng = random.Random(scenario.seed)
        self.clock = VirtualClock()
        self.window = RollingWindow(self.config.window_seconds)
        self.ready = scenario.agents  # not talking (some may be reserved for a line)
        self.reserved = 0  # ready agents holding a ringing line or a preview
        self.previews = 0
        self.in_flight = 0
        self.waiting: list[int] = []  # answered calls waiting out the grace for an agent
        self.placed = 0
        self.answered = 0
        self.abandoned = 0
        self.talk_seconds = 0.0
        self.decisions = 0
        self.rolling_peak = 0.0  # the highest window abandon rate seen once it had 100 answers

    # -- the loop -----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        self._pace()
        while self.clock:
            _, kind, payload = self.clock.pop()
            getattr(self, f"_on_{kind}")(payload)
            self._pace()
        return self.report(time.perf_counter() - started)

    def _pace(self) -> None:
        if self.placed >= self.scenario.dials:
            return
        snap = self.window.snapshot(
            self.config,
            self.clock.now,
            ready_agents=self.ready,
            busy_agents=self.scenario.agents - self.ready,
            lines_in_flight=self.in_flight,
            previews_open=self.previews,
            calls_waiting=len(self.waiting),
        )
        decision = decide(self.config, snap)
        self.decisions += 1
        for _ in range(min(decision.previews, self.scenario.dials - self.placed - self.previews)):
            self.previews += 1
            self.reserved += 1
            self.clock.at(self.clock.now + PREVIEW_SECONDS, "previewed")
        for _ in range(min(decision.dials, self.scenario.dials - self.placed)):
            if self.config.mode == Mode.PROGRESSIVE:
                self.reserved += 1
            self._dial()

    def _dial(self) -> None:
        self.placed += 1
        self.in_flight += 1
        if self.rng.random() < self.scenario.answer_rate:
            ring = self.rng.expovariate(1 / self.scenario.ring_seconds)
            if ring < NO_ANSWER_TIMEOUT_SECONDS:
                self.clock.at(self.clock.now + ring, "answer", ring)
                return
        self.clock.at(self.clock.now + NO_ANSWER_TIMEOUT_SECONDS, "no_answer")

    # -- happenings ---------------------------------------------------------------------------

    def _on_previewed(self, _: Any) -> None:
        self.previews -= 1  # the agent stays reserved: the line is theirs
        self._dial()

    def _on_answer(self, ring: float) -> None:
        self.in_flight -= 1
        self.answered += 1
        self.window.answered(self.clock.now, ring)
        if self.config.mode != Mode.PREDICTIVE:
            self.reserved -= 1  # its agent was waiting for exactly this
            self._connect()
            return
        if self.ready > 0:
            self._connect()
            return
        self.waiting.append(self.answered)
        self.clock.at(
            self.clock.now + self.config.connect_grace_seconds, "grace_over", self.answered
        )

    def _on_no_answer(self, _: Any) -> None:
        self.in_flight -= 1
        self.window.unanswered(self.clock.now)
        if self.config.mode != Mode.PREDICTIVE:
            self.reserved -= 1

    def _on_grace_over(self, call: int) -> None:
        if call in self.waiting:
            self.waiting.remove(call)
            self.abandoned += 1
            self.window.abandoned(self.clock.now)
            answered, abandoned = self.window.counts(self.clock.now)
            if answered >= 100:
                self.rolling_peak = max(self.rolling_peak, abandoned / answered)

    def _on_hang_up(self, seconds: float) -> None:
        self.ready += 1
        self.window.handled(self.clock.now, seconds)
        if self.waiting:
            self.waiting.pop(0)
            self._connect()

    def _connect(self) -> None:
        self.ready -= 1
        talk = self.rng.expovariate(1 / self.scenario.aht_seconds)
        self.talk_seconds += talk
        self.clock.at(self.clock.now + talk, "hang_up", talk)

    # -- results ------------------------------------------------------------------------------

    def report(self, wall_seconds: float) -> dict[str, Any]:
        elapsed = self.clock.now
        staffed = elapsed * self.scenario.agents
        return {
            "dials": self.placed,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "abandon_rate": round(self.abandoned / self.answered, 5) if self.answered else 0.0,
            "agent_utilisation": round(self.talk_seconds / staffed, 4) if staffed else 0.0,
            "wall_seconds": round(wall_seconds, 3),
        }


def simulate_dialer(scenario: DialerScenario) -> dict[str, Any]:
    return DialerSimulation(scenario).run()
