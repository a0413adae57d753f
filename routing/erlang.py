"""Erlang C: the queueing-theory prediction for an M/M/c queue (Poisson arrivals, exponential
handle times, c agents, nobody abandons). The simulator prints it beside its own figures and
the staffing page uses it to size a queue. Pure functions."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Prediction:
    agents: int
    traffic_erlangs: float
    p_wait: float  # probability an arrival has to wait
    service_level: float  # share answered within the threshold
    asa_seconds: float  # average speed of answer, over all arrivals
    occupancy: float


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability, by the stable recurrence B(k) = A·B(k-1) / (k + A·B(k-1))."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(traffic: float, agents: int) -> float:
    """Probability of waiting; 1 when the agents cannot keep up (traffic >= agents)."""
    if agents <= 0 or traffic >= agents:
        return 1.0
    if traffic <= 0:
        return 0.0
    blocking = erlang_b(traffic, agents)
    return agents * blocking / (agents - traffic * (1 - blocking))


def predict(
    *, agents: int, arrivals_per_hour: float, aht_seconds: float, sl_threshold_seconds: float
) -> Prediction:
    traffic = arrivals_per_hour * aht_seconds / 3600.0
    p_wait = erlang_c(traffic, agents)
    if traffic >= agents or agents <= 0:
        return Prediction(agents, traffic, 1.0, 0.0, math.inf, 1.0)
    spare = agents - traffic
    service_level = 1.0 - p_wait * math.exp(-spare * sl_threshold_seconds / aht_seconds)
    asa = p_wait * aht_seconds / spare
    return Prediction(agents, traffic, p_wait, service_level, asa, traffic / agents)


def agents_needed(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    sl_threshold_seconds: float,
    sl_target: float,
    max_occupancy: float = 1.0,
) -> Prediction:
    """The fewest agents meeting the service-level target (and occupancy ceiling)."""
    traffic = arrivals_per_hour * aht_seconds / 3600.0
    agents = max(1, math.floor(traffic) + 1)
    while True:
        prediction = predict(
            agents=agents,
            arrivals_per_hour=arrivals_per_hour,
            aht_seconds=aht_seconds,
            sl_threshold_seconds=sl_threshold_seconds,
        )
        if prediction.service_level >= sl_target and prediction.occupancy <= max_occupancy:
            return prediction
        agents += 1
