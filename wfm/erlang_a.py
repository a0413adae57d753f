"""Erlang A (Palm's M/M/n+M): Erlang C with impatient callers. Arrivals are Poisson (rate λ),
handle times exponential (rate μ = 1/AHT), n agents, and each waiting caller gives up after an
exponentially distributed patience (rate θ = 1/mean patience). Pure functions; docs/wfm.md
derives every formula used here.

The number in the system is a birth-death chain: births λ, deaths min(k, n)·μ + max(k - n, 0)·θ.
Its stationary law gives the chance of waiting and the mean queue (hence abandonment, by
Little's law: abandons per second = θ·E[queue]). A caller who arrives to find j callers ahead
(PASTA: with the stationary probability) reaches an agent when the line ahead has emptied: the
line shrinks at rate a_i = n·μ + i·θ while i are ahead, and the caller abandons at rate θ. That
gives closed forms for the chance of being served and the mean wait of the served; the chance
of being served within t is computed by uniformisation (exact up to a 1e-12 tail).
"""

import math
from dataclasses import dataclass

from routing import erlang

TAIL = 1e-13  # stationary mass left off the truncated chain


@dataclass(frozen=True)
class Prediction:
    agents: int
    traffic_erlangs: float
    p_wait: float  # share of arrivals who wait at all
    abandon_rate: float  # share of arrivals who give up
    service_level: float  # share of arrivals answered within the threshold
    asa_seconds: float  # mean wait of the answered
    average_wait_seconds: float  # mean time in queue over all arrivals (answered or not)
    occupancy: float  # agents' busy share: answered traffic ÷ n


def stationary(arrival_rate: float, service_rate: float, abandon_rate: float, agents: int):
    """π_0 … π_K of the chain (K where the tail is below TAIL), normalised."""
    if abandon_rate <= 0:
        raise ValueError("Erlang A needs a finite patience; use Erlang C without one")
    logs = [0.0]
    k = 0
    while True:
        k += 1
        death = min(k, agents) * service_rate + max(k - agents, 0) * abandon_rate
        logs.append(logs[-1] + math.log(arrival_rate / death))
        # past the mode, terms fall geometrically; stop once negligible
        if k > agents and death > arrival_rate and logs[-1] - max(logs) < math.log(TAIL):
            break
        if k > 100_000:
            break
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    return [w / total for w in weights]


def served_within(
    ahead: int, t: float, *, agents: int, service_rate: float, abandon_rate: float
) -> float:
    """P(a caller with `ahead` callers waiting before them is answered within t seconds)."""
    start = [0.0] * (ahead + 1)
    start[ahead] = 1.0
    return served_within_mix(
        start, t, agents=agents, service_rate=service_rate, abandon_rate=abandon_rate
    )


def served_within_mix(
    weights: list[float], t: float, *, agents: int, service_rate: float, abandon_rate: float
) -> float:
    """Σ_j weights[j] · P(answered within t | j callers ahead), all j at once.

    Uniformisation of the caller's own pure-death chain: state i (callers ahead) leaves to
    i - 1 (or to "answered" from 0) at a_i = n·μ + i·θ, and to "abandoned" at θ. With Λ the
    largest exit rate, P(answered by t) = Σ_m Poisson(m; Λt) · P(answered within m steps of
    the jump chain). The chain is linear in its start, so one pass serves every j."""
    if t <= 0 or not weights:
        return 0.0
    top = len(weights) - 1
    uniform = agents * service_rate + top * abandon_rate + abandon_rate
    advance = [(agents * service_rate + i * abandon_rate) / uniform for i in range(top + 1)]
    stay = [1.0 - a - abandon_rate / uniform for a in advance]
    state = list(weights)
    answered = 0.0
    mean = uniform * t
    log_poisson = -mean  # log P(M = 0)
    total = 0.0
    cumulative = math.exp(log_poisson)
    limit = int(mean + 12 * math.sqrt(mean) + 30)
    for m in range(1, limit + 1):
        answered += state[0] * advance[0]
        nxt = [state[i] * stay[i] + state[i + 1] * advance[i + 1] for i in range(top)]
        nxt.append(state[top] * stay[top])
        state = nxt
        log_poisson += math.log(mean) - math.log(m)
        weight = math.exp(log_poisson)
        total += weight * answered
        cumulative += weight
    # past `limit` steps (a 1e-30 Poisson tail): the answered mass reached so far
    return total + max(0.0, 1.0 - cumulative) * answered


def predict(
    *,
    agents: int,
    arrivals_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    sl_threshold_seconds: float,
) -> Prediction:
    lam = arrivals_per_hour / 3600.0
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    traffic = lam / mu
    if agents <= 0 or lam <= 0:
        nobody = 1.0 if lam > 0 else 0.0
        return Prediction(agents, traffic, nobody, nobody, 0.0, math.inf, patience_seconds, 0.0)
    pi = stationary(lam, mu, theta, agents)
    p_wait = sum(pi[agents:])
    queue = sum((k - agents) * p for k, p in enumerate(pi) if k > agents)
    abandon = theta * queue / lam
    served_now = 1.0 - p_wait
    served_later = 0.0
    served_wait = 0.0  # E[W · 1{answered}]
    within = served_now
    survive = 1.0  # f_j = Π_{i ≤ j} a_i / (a_i + θ)
    stage_time = 0.0  # Σ_{i ≤ j} 1 / (a_i + θ)
    for j in range(len(pi) - agents):
        weight = pi[agents + j]
        a = agents * mu + j * theta
        survive *= a / (a + theta)
        stage_time += 1.0 / (a + theta)
        served_later += weight * survive
        served_wait += weight * survive * stage_time
    within += served_within_mix(
        pi[agents:], sl_threshold_seconds, agents=agents, service_rate=mu, abandon_rate=theta
    )
    answered = served_now + served_later
    asa = served_wait / answered if answered > 0 else math.inf
    occupancy = min(1.0, traffic * answered / agents)
    return Prediction(
        agents=agents,
        traffic_erlangs=traffic,
        p_wait=p_wait,
        abandon_rate=abandon,
        service_level=within,
        asa_seconds=asa,
        average_wait_seconds=queue / lam,
        occupancy=occupancy,
    )


def agents_needed(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    sl_threshold_seconds: float,
    sl_target: float | None = None,
    asa_target_seconds: float | None = None,
    max_abandon_rate: float | None = None,
) -> Prediction:
    """The fewest agents meeting every target given (service level, ASA, abandonment).

    Each measure improves with more agents, so a binary search between 1 and an upper bound
    (Erlang C's answer for the same target, doubled until it passes) finds the fewest."""

    def meets(n: int) -> tuple[bool, Prediction]:
        p = predict(
            agents=n,
            arrivals_per_hour=arrivals_per_hour,
            aht_seconds=aht_seconds,
            patience_seconds=patience_seconds,
            sl_threshold_seconds=sl_threshold_seconds,
        )
        ok = (
            (sl_target is None or p.service_level >= sl_target - 1e-12)
            and (asa_target_seconds is None or p.asa_seconds <= asa_target_seconds)
            and (max_abandon_rate is None or p.abandon_rate <= max_abandon_rate)
        )
        return ok, p

    traffic = arrivals_per_hour * aht_seconds / 3600.0
    high = max(1, math.ceil(traffic) + 1)
    if sl_target is not None and sl_target < 1:
        high = erlang.agents_needed(
            arrivals_per_hour=arrivals_per_hour,
            aht_seconds=aht_seconds,
            sl_threshold_seconds=sl_threshold_seconds,
            sl_target=sl_target,
        ).agents
    ok, best = meets(high)
    while not ok:
        high *= 2
        if high > 100_000:
            raise ValueError("no staffing up to 100,000 agents meets that target")
        ok, best = meets(high)
    low = 0  # fails (nobody answers)
    while high - low > 1:
        middle = (low + high) // 2
        ok, p = meets(middle)
        if ok:
            high, best = middle, p
        else:
            low = middle
    return best
