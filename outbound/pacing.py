"""How many numbers to dial now: preview, progressive and predictive pacing. Pure.

The dialer (outbound/dialer.py) and its simulator (outbound/simulator.py) both ask `decide()`
with a `Snapshot` of the floor and get a `Decision` back; neither knows the rule.

- preview: nothing is dialled by the machine. Each ready agent without a record is handed one
  to read; the agent dials it. No call is ever answered without an agent waiting for it.
- progressive: one line per ready agent; an agent is reserved while the line rings. No call is
  abandoned, but agents wait through every ring and every no-answer.
- predictive: more lines than ready agents, betting that only some will answer. A call that a
  person answers when no agent is free within the grace time is *abandoned* (it hears the
  configured message). Regulators cap abandoned ÷ answered — 3 % over 30 days in the US
  (47 CFR 64.1200(a)(7)), 3 % over 24 hours in the UK (Ofcom) — so the bet is sized:

  1. Over a rolling window the dialer keeps an *abandon budget*: safety * cap * answered in
     the window - abandoned in the window. Only answers already had count, not those hoped
     for, and the window must afford one whole abandon (budget >= 1) before any extra line:
     early on, or after bad luck, predictive falls back to progressive, which cannot abandon.
  2. For each candidate number of lines N (those in flight plus new ones) it computes the
     expected abandons exactly: answers X ~ Binomial(N, p) against the agents free when they
     answer, A = ready + Binomial(busy, q) where q is the chance that a talking agent finishes
     within the ring time (exponential handle times). Expected abandons = E[max(0, X - A)].
  3. It dials the largest N whose expected abandons fit the budget, never more than
     `max_lines_per_agent` * staffed agents.

  The answer rate p, handle time and ring time are estimated from the window, starting from
  cautious priors (a high answer rate means few extra lines).
"""

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"


DEFAULT_ABANDON_CAP = 0.03  # the usual regulatory limit
DEFAULT_WINDOW_SECONDS = 24 * 3600.0  # Ofcom's period; 30 days (FCC) is a setting away
# An answered call must reach an agent within this, or it counts as abandoned (47 CFR
# 64.1200(a)(7)(i): "within two (2) seconds after the called person's completed greeting").
DEFAULT_CONNECT_GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class PacingConfig:
    mode: Mode = Mode.PREDICTIVE
    abandon_cap: float = DEFAULT_ABANDON_CAP
    window_seconds: float = DEFAULT_WINDOW_SECONDS
    # Aim at this share of the cap, so a run of bad luck stays under the cap itself.
    safety: float = 0.8
    max_lines_per_agent: float = 3.0
    connect_grace_seconds: float = DEFAULT_CONNECT_GRACE_SECONDS
    # Priors, used until the window has data (and blended with it after).
    prior_answer_rate: float = 1.0
    prior_weight: float = 5.0
    prior_aht_seconds: float = 180.0
    prior_ring_seconds: float = 15.0

    def __post_init__(self) -> None:
        if not 0 <= self.abandon_cap < 1:
            raise ValueError("abandon_cap must be in [0, 1)")
        if self.window_seconds <= 0 or self.max_lines_per_agent < 1:
            raise ValueError("window_seconds must be positive and max_lines_per_agent >= 1")


@dataclass(frozen=True)
class Snapshot:
    """The floor when the dialer decides."""

    ready_agents: int  # staffed, not talking or wrapping up (may be waiting on a line)
    busy_agents: int  # talking or wrapping up
    lines_in_flight: int  # dialled, not yet answered, failed or given up
    previews_open: int = 0  # records handed to agents who have not dialled yet (preview)
    calls_waiting: int = 0  # answered, waiting out the grace for an agent (predictive)
    answered_in_window: int = 0
    abandoned_in_window: int = 0
    answer_rate: float = 1.0  # estimated chance that a dial reaches a person
    answer_samples: int = 0  # the dials that estimate rests on
    aht_seconds: float = 180.0
    ring_seconds: float = 15.0  # mean time from dial to answer

    @property
    def abandon_rate(self) -> float:
        answered = self.answered_in_window
        return self.abandoned_in_window / answered if answered else 0.0


@dataclass(frozen=True)
class Decision:
    mode: Mode
    dials: int  # new lines to place now (progressive, predictive)
    previews: int  # records to hand to agents now (preview)
    lines_after: int  # lines in flight once these are placed
    expected_abandons: float
    budget: float  # abandons the window can still afford (predictive)
    reason: str

    def as_dict(self) -> dict:
        return {
            "mode": str(self.mode),
            "dials": self.dials,
            "previews": self.previews,
            "lines_after": self.lines_after,
            "expected_abandons": round(self.expected_abandons, 4),
            "budget": round(self.budget, 4),
            "reason": self.reason,
        }


def decide(config: PacingConfig, snap: Snapshot) -> Decision:
    if config.mode == Mode.PREVIEW:
        hand_out = max(0, snap.ready_agents - snap.previews_open - snap.lines_in_flight)
        return Decision(
            Mode.PREVIEW, 0, hand_out, snap.lines_in_flight, 0.0, 0.0, "one record per agent"
        )
    # One line per ready agent can never be abandoned: the floor of both dialling modes.
    floor = max(0, snap.ready_agents - snap.lines_in_flight)
    if config.mode == Mode.PROGRESSIVE:
        return Decision(
            Mode.PROGRESSIVE,
            floor,
            0,
            snap.lines_in_flight + floor,
            0.0,
            0.0,
            "one line per ready agent",
        )
    return _predictive(config, snap, floor)


def _predictive(config: PacingConfig, snap: Snapshot, floor: int) -> Decision:
    staffed = snap.ready_agents + snap.busy_agents
    ceiling = math.floor(config.max_lines_per_agent * staffed)
    p = cautious_rate(snap.answer_rate, snap.answer_samples)
    q = free_within(snap.ring_seconds, snap.aht_seconds)
    target = config.safety * config.abandon_cap
    best = snap.lines_in_flight + floor
    # Calls already answered and waiting take the next free agents: certain answers.
    ready = snap.ready_agents - snap.calls_waiting
    best_risk = expected_abandons(best, p, ready, snap.busy_agents, q)
    budget = target * snap.answered_in_window - snap.abandoned_in_window
    if staffed == 0 or p == 0:
        return Decision(Mode.PREDICTIVE, 0, 0, snap.lines_in_flight, 0.0, budget, "no agents")
    if budget < 1 or best_risk > budget:
        # The window's budget is spent (or not yet earned): progressive until it is.
        reason = "abandon budget spent: one line per ready agent"
        return Decision(Mode.PREDICTIVE, floor, 0, best, best_risk, budget, reason)
    lines = best
    while lines < ceiling:
        risk = expected_abandons(lines + 1, p, ready, snap.busy_agents, q)
        if risk > budget:
            break
        lines, best_risk = lines + 1, risk
    dials = max(0, lines - snap.lines_in_flight)
    reason = f"p={p:.3f} aht={snap.aht_seconds:.0f}s: {lines} lines for {staffed} agents"
    return Decision(Mode.PREDICTIVE, dials, 0, lines, best_risk, budget, reason)


def cautious_rate(rate: float, samples: int) -> float:
    """The answer rate one standard error high: a rate guessed low means too many lines,
    so the risk is priced with the rate the data cannot yet rule out."""
    rate = min(max(rate, 0.0), 1.0)
    return min(1.0, rate + math.sqrt(rate * (1 - rate) / max(samples, 1)))


def free_within(seconds: float, aht_seconds: float) -> float:
    """The chance that a talking agent is free within `seconds` (exponential handle times)."""
    if aht_seconds <= 0:
        return 1.0
    return 1.0 - math.exp(-max(seconds, 0.0) / aht_seconds)


def binomial_pmf(n: int, p: float) -> list[float]:
    if n <= 0:
        return [1.0]
    if p <= 0:
        return [1.0] + [0.0] * n
    if p >= 1:
        return [0.0] * n + [1.0]
    pmf = [0.0] * (n + 1)
    pmf[0] = (1 - p) ** n
    ratio = p / (1 - p)
    for k in range(1, n + 1):
        pmf[k] = pmf[k - 1] * ratio * (n - k + 1) / k
    return pmf


def expected_abandons(lines: int, p: float, ready: int, busy: int, q: float) -> float:
    """E[max(0, X - A)]: X ~ Binomial(lines, p) answers, A = ready + Binomial(busy, q).
    `ready` may be negative: answered calls already waiting for an agent."""
    answers = binomial_pmf(lines, p)
    freed = binomial_pmf(busy, q)
    total = 0.0
    for x, px in enumerate(answers):
        if x <= ready or px == 0:
            continue
        for f, pf in enumerate(freed):
            excess = x - ready - f
            if excess <= 0:
                break
            total += px * pf * excess
    return total


def _blend(total: float, count: int, prior: float, weight: float) -> float:
    """The mean of `count` observations summing to `total`, with `weight` pseudo-observations
    of the prior (the prior alone while nothing is observed)."""
    if count + weight <= 0:
        return prior
    return (total + weight * prior) / (count + weight)


class RollingWindow:
    """Outcomes over the last `seconds`: answered, abandoned, no-answer, handle and ring
    times, with running sums so a decision costs the same however full the window is. Feeds
    a `Snapshot`; the live dialer fills one from the event log."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._answered: deque[float] = deque()
        self._abandoned: deque[float] = deque()
        self._unanswered: deque[float] = deque()
        self._handled: deque[tuple[float, float]] = deque()
        self._rings: deque[tuple[float, float]] = deque()
        self._handled_sum = 0.0
        self._rings_sum = 0.0

    def answered(self, at: float, ring_seconds: float) -> None:
        self._answered.append(at)
        self._rings.append((at, ring_seconds))
        self._rings_sum += ring_seconds

    def abandoned(self, at: float) -> None:
        self._abandoned.append(at)

    def unanswered(self, at: float) -> None:
        self._unanswered.append(at)

    def handled(self, at: float, seconds: float) -> None:
        self._handled.append((at, seconds))
        self._handled_sum += seconds

    def prune(self, now: float) -> None:
        edge = now - self.seconds
        for times in (self._answered, self._abandoned, self._unanswered):
            while times and times[0] < edge:
                times.popleft()
        while self._handled and self._handled[0][0] < edge:
            self._handled_sum -= self._handled.popleft()[1]
        while self._rings and self._rings[0][0] < edge:
            self._rings_sum -= self._rings.popleft()[1]

    def counts(self, now: float) -> tuple[int, int]:
        self.prune(now)
        return len(self._answered), len(self._abandoned)

    def estimates(self, config: PacingConfig, now: float) -> tuple[float, float, float]:
        """(answer rate, handle time, ring time), each blended with its prior."""
        self.prune(now)
        w = config.prior_weight
        answered, attempts = len(self._answered), len(self._answered) + len(self._unanswered)
        return (
            _blend(answered, attempts, config.prior_answer_rate, w),
            _blend(self._handled_sum, len(self._handled), config.prior_aht_seconds, w),
            _blend(self._rings_sum, len(self._rings), config.prior_ring_seconds, w),
        )

    def snapshot(
        self,
        config: PacingConfig,
        now: float,
        *,
        ready_agents: int,
        busy_agents: int,
        lines_in_flight: int,
        previews_open: int = 0,
        calls_waiting: int = 0,
    ) -> Snapshot:
        rate, aht, ring = self.estimates(config, now)
        answered, abandoned = self.counts(now)
        samples = answered + len(self._unanswered)
        return Snapshot(
            ready_agents=ready_agents,
            busy_agents=busy_agents,
            lines_in_flight=lines_in_flight,
            previews_open=previews_open,
            calls_waiting=calls_waiting,
            answered_in_window=answered,
            abandoned_in_window=abandoned,
            answer_rate=rate,
            answer_samples=samples,
            aht_seconds=aht,
            ring_seconds=ring,
        )
