"""Erlang A against hand-computed cases, and its limits (Erlang C when nobody abandons).

With patience equal to the handle time (θ = μ) every caller in the system leaves at the same
rate whether served or waiting, so the number in the system is Poisson(λ/μ) whatever n is:
P(wait) = P(N ≥ n), E[queue] = E[(N - n)+], abandonment = θ·E[queue]/λ, all by hand."""

import io
import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from routing import erlang
from wfm import erlang_a, requirements

E = math.exp(-1)


def test_one_agent_with_patience_equal_to_handle_time_is_poisson():
    # λ = μ = θ = 1 per minute: N ~ Poisson(1)
    p = erlang_a.predict(
        agents=1, arrivals_per_hour=60, aht_seconds=60, patience_seconds=60, sl_threshold_seconds=0
    )
    assert p.p_wait == pytest.approx(1 - E, abs=1e-9)  # P(N ≥ 1)
    assert p.abandon_rate == pytest.approx(E, abs=1e-9)  # E[(N-1)+] = E[N] - 1 + P(0) = e⁻¹
    assert p.service_level == pytest.approx(E, abs=1e-9)  # answered at once: P(N = 0)
    assert p.average_wait_seconds == pytest.approx(60 * E, abs=1e-6)  # Little: E[Q]/λ


def test_two_agents_poisson_case():
    # λ = μ = θ = 1/min, n = 2: P(wait) = P(N ≥ 2) = 1 - 2/e; E[(N-2)+] = 3/e - 1
    p = erlang_a.predict(
        agents=2, arrivals_per_hour=60, aht_seconds=60, patience_seconds=60, sl_threshold_seconds=20
    )
    assert p.p_wait == pytest.approx(1 - 2 * E, abs=1e-9)
    assert p.abandon_rate == pytest.approx(3 * E - 1, abs=1e-9)


def test_answered_within_t_by_hand():
    # one agent, μ = θ = 1: with nobody ahead the caller is answered at rate 1 and leaves at
    # rate 1, so P(answered by t) = ½(1 - e^{-2t}); with one ahead the line moves at 2
    # (service + the one ahead abandoning), and ∫₀ᵗ 2e^{-3s}·½(1 - e^{-2(t-s)}) ds
    # = 1/3 - e^{-2t} + ⅔e^{-3t}.
    for t in (0.25, 1.0, 1.5, 4.0):
        ahead0 = erlang_a.served_within(0, t, agents=1, service_rate=1, abandon_rate=1)
        ahead1 = erlang_a.served_within(1, t, agents=1, service_rate=1, abandon_rate=1)
        assert ahead0 == pytest.approx(0.5 * (1 - math.exp(-2 * t)), abs=1e-10)
        assert ahead1 == pytest.approx(
            1 / 3 - math.exp(-2 * t) + 2 / 3 * math.exp(-3 * t), abs=1e-10
        )


def test_answered_plus_abandoned_is_everyone():
    p = erlang_a.predict(
        agents=9,
        arrivals_per_hour=200,
        aht_seconds=180,
        patience_seconds=90,
        sl_threshold_seconds=20,
    )
    answered = p.occupancy * 9 / p.traffic_erlangs
    assert answered + p.abandon_rate == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("agents", [6, 7, 9])
def test_endless_patience_is_erlang_c(agents):
    a = erlang_a.predict(
        agents=agents, arrivals_per_hour=100, aht_seconds=180, patience_seconds=1e8,
        sl_threshold_seconds=20,
    )  # fmt: skip
    c = erlang.predict(
        agents=agents, arrivals_per_hour=100, aht_seconds=180, sl_threshold_seconds=20
    )
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-4)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-3)


def test_agents_needed_is_the_fewest():
    best = erlang_a.agents_needed(
        arrivals_per_hour=600, aht_seconds=240, patience_seconds=120, sl_threshold_seconds=20,
        sl_target=0.8,
    )  # fmt: skip
    fewer = erlang_a.predict(
        agents=best.agents - 1, arrivals_per_hour=600, aht_seconds=240, patience_seconds=120,
        sl_threshold_seconds=20,
    )  # fmt: skip
    assert best.service_level >= 0.8 > fewer.service_level
    # abandonment relieves the queue: never more agents than Erlang C asks
    c = erlang.agents_needed(
        arrivals_per_hour=600, aht_seconds=240, sl_threshold_seconds=20, sl_target=0.8
    )
    assert best.agents <= c.agents


def test_patience_from_abandon_history_is_the_censored_mle():
    # 10 abandoned after 1,000 s of waiting in all; the answered waited 2,000 s in all
    assert requirements.patience_from_history(10, 1000, 2000) == 300
    assert requirements.patience_from_history(0, 0, 500) is None


def test_shrinkage_and_concurrency():
    target = requirements.Target(sl_threshold_seconds=20, sl_target=0.8)
    calls = requirements.requirement(
        contacts=50, aht_seconds=180, interval_minutes=30, target=target, shrinkage=0.3
    )
    assert (
        calls.agents
        == erlang.agents_needed(
            arrivals_per_hour=100, aht_seconds=180, sl_threshold_seconds=20, sl_target=0.8
        ).agents
    )
    assert calls.scheduled == math.ceil(calls.agents / 0.7)
    chats = requirements.requirement(
        contacts=50, aht_seconds=180, interval_minutes=30, target=target, concurrency=3
    )
    assert chats.agents == math.ceil(calls.servers / 3)


def test_an_asa_target():
    target = requirements.Target(sl_threshold_seconds=20, sl_target=None, asa_seconds=15)
    need = requirements.requirement(
        contacts=100, aht_seconds=180, interval_minutes=60, target=target
    )
    assert need.erlang_c.asa_seconds <= 15
    fewer = erlang.predict(
        agents=need.erlang_c.agents - 1,
        arrivals_per_hour=100,
        aht_seconds=180,
        sl_threshold_seconds=20,
    )
    assert fewer.asa_seconds > 15


def test_the_staffing_command_prints_the_contract_shape():
    out = io.StringIO()
    call_command(
        "staffing", "--arrivals-per-hour", "100", "--aht", "180", "--sl-target", "0.8",
        "--sl-threshold", "20", "--patience", "120", "--shrinkage", "0.3", "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert set(result) == {"erlang_c", "erlang_a", "scheduled_agents"}
    assert set(result["erlang_c"]) == {"agents", "service_level", "asa_seconds"}
    assert set(result["erlang_a"]) == {"agents", "service_level", "abandon_rate"}
    c = erlang.agents_needed(
        arrivals_per_hour=100, aht_seconds=180, sl_threshold_seconds=20, sl_target=0.8
    )
    assert result["erlang_c"]["agents"] == c.agents
    assert result["erlang_a"]["service_level"] >= 0.8
    assert result["scheduled_agents"] == math.ceil(result["erlang_a"]["agents"] / 0.7)
    out = io.StringIO()
    call_command(
        "staffing", "--arrivals-per-hour", "100", "--aht", "180", "--sl-target", "0.8",
        "--sl-threshold", "20", "--json", stdout=out,
    )  # fmt: skip
    plain = json.loads(out.getvalue())
    assert "erlang_a" not in plain and plain["scheduled_agents"] == c.agents


def test_the_staffing_command_refuses_bad_figures():
    with pytest.raises(CommandError, match="service-level target"):
        call_command(
            "staffing", "--arrivals-per-hour", "100", "--aht", "180", "--sl-target", "80",
            "--sl-threshold", "20",
        )  # fmt: skip
