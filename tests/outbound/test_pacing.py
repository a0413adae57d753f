"""The pacing rules, without a database: preview and progressive never abandon, predictive
spends only the abandon budget its window has earned."""

import pytest

from outbound.pacing import (
    Mode,
    PacingConfig,
    RollingWindow,
    Snapshot,
    binomial_pmf,
    decide,
    expected_abandons,
)


def test_preview_hands_each_ready_agent_one_record_and_dials_nothing():
    decision = decide(
        PacingConfig(mode=Mode.PREVIEW), Snapshot(5, 2, lines_in_flight=1, previews_open=2)
    )
    assert (decision.dials, decision.previews) == (0, 2)


def test_progressive_places_one_line_per_ready_agent():
    decision = decide(PacingConfig(mode=Mode.PROGRESSIVE), Snapshot(4, 6, lines_in_flight=1))
    assert (decision.dials, decision.lines_after, decision.expected_abandons) == (3, 4, 0.0)


def test_predictive_without_an_earned_budget_is_progressive():
    snap = Snapshot(4, 6, lines_in_flight=0, answered_in_window=10, answer_rate=0.2)
    decision = decide(PacingConfig(), snap)
    assert decision.dials == 4
    assert "budget" in decision.reason


def test_predictive_with_a_budget_dials_more_lines_than_agents_at_low_answer_rates():
    snap = Snapshot(
        4,
        6,
        lines_in_flight=0,
        answered_in_window=2000,
        abandoned_in_window=10,
        answer_rate=0.2,
        answer_samples=10000,
        aht_seconds=120,
        ring_seconds=15,
    )
    decision = decide(PacingConfig(), snap)
    assert decision.dials > 4
    assert decision.expected_abandons <= decision.budget


def test_predictive_stops_when_the_window_is_over_its_share_of_the_cap():
    snap = Snapshot(
        4,
        6,
        lines_in_flight=0,
        answered_in_window=1000,
        abandoned_in_window=29,
        answer_rate=0.2,
        answer_samples=5000,
    )
    assert decide(PacingConfig(), snap).dials == 4  # progressive: cannot abandon


def test_expected_abandons_is_exact_for_small_cases():
    # Two lines that surely answer, one ready agent, nobody else: exactly one abandon.
    assert expected_abandons(2, 1.0, 1, 0, 0.0) == pytest.approx(1.0)
    # Two lines at p=.5, no agents: E[X] = 1.
    assert expected_abandons(2, 0.5, 0, 0, 0.0) == pytest.approx(1.0)
    # One line, one busy agent freed with probability .5: abandon when it answers and stays busy.
    assert expected_abandons(1, 1.0, 0, 1, 0.5) == pytest.approx(0.5)
    assert sum(binomial_pmf(30, 0.37)) == pytest.approx(1.0)


def test_the_window_forgets_what_is_older_than_it():
    window = RollingWindow(3600)
    window.answered(0, 10)
    window.abandoned(5)
    window.answered(4000, 20)
    assert window.counts(4000) == (1, 0)
    rate, _, ring = window.estimates(PacingConfig(prior_weight=0.0), 4000)
    assert (rate, ring) == (1.0, 20)


def test_a_cap_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        PacingConfig(abandon_cap=1.5)
