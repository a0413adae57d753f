"""Staffing requirements per interval: forecast contacts → agents on the phones (Erlang C, or
Erlang A when callers' patience is known) → agents to schedule (shrinkage). Pure functions;
docs/wfm.md has the formulas.

Chat concurrency: an agent who works c chats at once is modelled as c servers of the same queue
(each chat keeps its own handle time), so the servers needed are found as for calls and the
agents are ⌈servers ÷ c⌉. It is the usual planning approximation: it overstates what one agent
can do when the chats compete for their attention, which the AHT measured under concurrency
already reflects.
"""

import math
from dataclasses import dataclass

from routing import erlang
from wfm import erlang_a


class BadTarget(ValueError):
    """A target or figure a person must fix; the message says which."""


@dataclass(frozen=True)
class Target:
    """What an interval must reach: a service level (share answered within the threshold) or
    an average speed of answer, or both."""

    sl_threshold_seconds: float = 20.0
    sl_target: float | None = 0.8
    asa_seconds: float | None = None

    def __post_init__(self) -> None:
        if self.sl_target is None and self.asa_seconds is None:
            raise BadTarget("give a service-level target or an ASA target")
        if self.sl_target is not None and not 0 < self.sl_target < 1:
            raise BadTarget("the service-level target is a fraction between 0 and 1")
        if self.asa_seconds is not None and self.asa_seconds <= 0:
            raise BadTarget("the ASA target must be positive")
        if self.sl_threshold_seconds <= 0:
            raise BadTarget("the service-level threshold must be positive")


@dataclass(frozen=True)
class Requirement:
    contacts: float
    aht_seconds: float
    arrivals_per_hour: float
    erlang_c: erlang.Prediction | None  # None: no traffic
    erlang_a: erlang_a.Prediction | None  # None: no traffic or no patience
    servers: int  # by the model in use (Erlang A with patience, else Erlang C)
    agents: int  # on the phones, after concurrency
    scheduled: int  # after shrinkage

    @property
    def model(self) -> str:
        return "erlang_a" if self.erlang_a is not None else "erlang_c"


def patience_from_history(
    abandoned: int, abandon_wait_seconds: float, answer_wait_seconds: float
) -> float | None:
    """Mean patience (seconds) estimated from abandon history, assuming it is exponential.

    Every caller who waited shows some patience: an abandoner's is its wait (observed), an
    answered caller's is at least its wait (censored). The maximum-likelihood estimate of the
    rate is abandons ÷ total waiting time of everyone, so the mean is total wait ÷ abandons.
    None when nobody has abandoned (patience not measurable: use Erlang C)."""
    if abandoned <= 0:
        return None
    return (abandon_wait_seconds + answer_wait_seconds) / abandoned


def scheduled_for(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` remain after shrinkage (breaks, training, absence):
    ⌈agents ÷ (1 - shrinkage)⌉."""
    if not 0 <= shrinkage < 1:
        raise BadTarget("shrinkage is a fraction from 0 to below 1")
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


def _erlang_c_servers(per_hour: float, aht: float, target: Target) -> erlang.Prediction:
    prediction = erlang.agents_needed(
        arrivals_per_hour=per_hour,
        aht_seconds=aht,
        sl_threshold_seconds=target.sl_threshold_seconds,
        sl_target=target.sl_target if target.sl_target is not None else 0.0,
    )
    if target.asa_seconds is not None:
        agents = prediction.agents
        while prediction.asa_seconds > target.asa_seconds:
            agents += 1
            prediction = erlang.predict(
                agents=agents,
                arrivals_per_hour=per_hour,
                aht_seconds=aht,
                sl_threshold_seconds=target.sl_threshold_seconds,
            )
    return prediction


def requirement(
    *,
    contacts: float,
    aht_seconds: float,
    interval_minutes: int,
    target: Target,
    patience_seconds: float | None = None,
    shrinkage: float = 0.0,
    concurrency: int = 1,
) -> Requirement:
    """One interval's requirement for `contacts` offered in it."""
    if contacts < 0 or aht_seconds < 0 or not math.isfinite(contacts + aht_seconds):
        raise BadTarget("contacts and AHT cannot be negative")
    if concurrency < 1:
        raise BadTarget("concurrency is at least 1")
    if patience_seconds is not None and patience_seconds <= 0:
        raise BadTarget("patience must be positive")
    per_hour = contacts * 60.0 / interval_minutes
    if per_hour <= 0 or aht_seconds <= 0:
        return Requirement(contacts, aht_seconds, per_hour, None, None, 0, 0, 0)
    c = _erlang_c_servers(per_hour, aht_seconds, target)
    a = None
    servers = c.agents
    if patience_seconds is not None:
        a = erlang_a.agents_needed(
            arrivals_per_hour=per_hour,
            aht_seconds=aht_seconds,
            patience_seconds=patience_seconds,
            sl_threshold_seconds=target.sl_threshold_seconds,
            sl_target=target.sl_target,
            asa_target_seconds=target.asa_seconds,
        )
        servers = a.agents
    agents = math.ceil(servers / concurrency)
    return Requirement(
        contacts=contacts,
        aht_seconds=aht_seconds,
        arrivals_per_hour=per_hour,
        erlang_c=c,
        erlang_a=a,
        servers=servers,
        agents=agents,
        scheduled=scheduled_for(agents, shrinkage),
    )


def staffing_summary(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    sl_target: float,
    sl_threshold_seconds: float,
    patience_seconds: float | None = None,
    shrinkage: float = 0.0,
) -> dict:
    """What `manage.py staffing --json` prints (../shared/CONTRACT.md): the fewest agents
    that meet the target by Erlang C and, with a patience, Erlang A; `scheduled_agents` is
    the model in use (Erlang A when a patience is given) after shrinkage."""
    target = Target(sl_threshold_seconds=sl_threshold_seconds, sl_target=sl_target)
    need = requirement(
        contacts=arrivals_per_hour,
        aht_seconds=aht_seconds,
        interval_minutes=60,
        target=target,
        patience_seconds=patience_seconds,
        shrinkage=shrinkage,
    )
    c = need.erlang_c
    out: dict = {
        "erlang_c": {
            "agents": c.agents if c else 0,
            "service_level": round(c.service_level, 6) if c else 1.0,
            "asa_seconds": round(c.asa_seconds, 3) if c else 0.0,
        }
    }
    if patience_seconds is not None:
        a = need.erlang_a
        out["erlang_a"] = {
            "agents": a.agents if a else 0,
            "service_level": round(a.service_level, 6) if a else 1.0,
            "abandon_rate": round(a.abandon_rate, 6) if a else 0.0,
        }
    out["scheduled_agents"] = need.scheduled
    return out
