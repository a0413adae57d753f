"""`manage.py simulate_dialer`: the contract's shorthand and JSON, and the regulatory cap held
over 10,000 simulated dials at several answer rates."""

import json

import pytest
from django.core.management import CommandError, call_command

from outbound.pacing import Mode
from outbound.simulator import DialerScenario, DialerSimulation


def run(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("simulate_dialer", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_json_has_exactly_the_contract_fields():
    result = run(
        "--mode",
        "predictive",
        "--agents",
        "5",
        "--answer-rate",
        "0.3",
        "--aht",
        "120",
        "--dials",
        "500",
        "--seed",
        "2",
        "--abandon-cap",
        "0.03",
        "--ring-seconds",
        "12",
    )
    assert set(result) == {
        "dials",
        "answered",
        "abandoned",
        "abandon_rate",
        "agent_utilisation",
        "wall_seconds",
    }
    assert result["dials"] == 500
    assert 0 <= result["agent_utilisation"] <= 1
    assert result["abandon_rate"] == pytest.approx(
        result["abandoned"] / result["answered"], abs=1e-4
    )


def test_the_same_seed_gives_the_same_run():
    args = (
        "--mode",
        "progressive",
        "--agents",
        "3",
        "--answer-rate",
        "0.5",
        "--aht",
        "60",
        "--dials",
        "300",
        "--seed",
        "9",
    )
    first, second = run(*args), run(*args)
    first.pop("wall_seconds"), second.pop("wall_seconds")
    assert first == second


def test_bad_arguments_are_a_clear_error():
    with pytest.raises(CommandError, match="answer rate"):
        run(
            "--mode",
            "preview",
            "--agents",
            "2",
            "--answer-rate",
            "1.5",
            "--aht",
            "60",
            "--dials",
            "10",
        )


@pytest.mark.parametrize("mode", [Mode.PREVIEW, Mode.PROGRESSIVE])
def test_preview_and_progressive_never_abandon(mode):
    result = DialerSimulation(
        DialerScenario(mode=mode, agents=4, answer_rate=0.6, aht_seconds=90, dials=2000, seed=4)
    ).run()
    assert result["abandoned"] == 0 and result["answered"] > 1000


@pytest.mark.slow  # 20,000 simulated dials: seconds, not the pure tier's milliseconds
@pytest.mark.parametrize("answer_rate", [0.05, 0.2, 0.5, 0.9])
def test_predictive_holds_the_abandon_cap_over_ten_thousand_dials(answer_rate):
    results = []
    for agents, window in ((3, 3600.0), (10, 24 * 3600.0)):
        scenario = DialerScenario(
            mode=Mode.PREDICTIVE,
            agents=agents,
            answer_rate=answer_rate,
            aht_seconds=120,
            dials=10_000,
            seed=int(answer_rate * 100),
            window_seconds=window,
        )
        results.append(DialerSimulation(scenario).run())
    for result in results:
        assert result["dials"] == 10_000
        assert result["abandon_rate"] <= 0.03, result


@pytest.mark.slow
def test_predictive_keeps_a_team_busier_than_progressive():
    def utilisation(mode: Mode) -> float:
        return DialerSimulation(
            DialerScenario(
                mode=mode, agents=40, answer_rate=0.2, aht_seconds=120, dials=10_000, seed=5
            )
        ).run()["agent_utilisation"]

    assert utilisation(Mode.PREDICTIVE) > utilisation(Mode.PROGRESSIVE) + 0.05


@pytest.mark.slow
def test_a_tighter_cap_is_held_too():
    result = DialerSimulation(
        DialerScenario(
            mode=Mode.PREDICTIVE,
            agents=10,
            answer_rate=0.3,
            aht_seconds=120,
            dials=10_000,
            seed=6,
            abandon_cap=0.01,
        )
    ).run()
    assert result["abandon_rate"] <= 0.01
