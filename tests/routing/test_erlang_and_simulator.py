"""Queueing theory and the simulator that checks the routing core against it."""

import json

import pytest
from django.core.management import call_command

from routing import erlang
from routing.simulator import Scenario, simulate


def test_erlang_c_matches_the_textbook_example():
    # 200 calls an hour of 180 s: 10 erlangs. Published tables: P(wait) 0.682 with 11 agents.
    p = erlang.predict(agents=11, arrivals_per_hour=200, aht_seconds=180, sl_threshold_seconds=20)
    assert p.traffic_erlangs == pytest.approx(10.0)
    assert p.p_wait == pytest.approx(0.6821, abs=1e-4)
    assert (
        erlang.agents_needed(
            arrivals_per_hour=200, aht_seconds=180, sl_threshold_seconds=20, sl_target=0.8
        ).agents
        == 14
    )


def test_an_overloaded_queue_always_waits():
    p = erlang.predict(agents=5, arrivals_per_hour=200, aht_seconds=180, sl_threshold_seconds=20)
    assert (p.p_wait, p.service_level) == (1.0, 0.0)


@pytest.mark.parametrize(
    ("agents", "arrivals_per_hour", "aht", "hours", "seed"),
    [
        (3, 40, 180, 1200, 11),  # 2 erlangs on 3 agents
        (8, 150, 150, 300, 12),  # 6.25 erlangs on 8
        (15, 360, 120, 200, 13),  # 12 erlangs on 15
    ],
)
@pytest.mark.slow  # hundreds of simulated hours
def test_long_runs_agree_with_erlang_c_within_two_points_of_service_level(
    agents, arrivals_per_hour, aht, hours, seed
):
    result = simulate(
        Scenario.single_queue(
            agents=agents,
            arrivals_per_hour=arrivals_per_hour,
            aht=aht,
            sl_threshold=20,
            hours=hours,
            seed=seed,
        )
    )["queues"]["default"]

    assert result["offered"] > 40_000
    assert result["abandoned"] == 0
    assert abs(result["service_level"] - result["erlang_c"]["service_level"]) <= 0.02
    assert result["asa_seconds"] == pytest.approx(result["erlang_c"]["asa_seconds"], rel=0.15)
    offered_load = arrivals_per_hour * aht / 3600 / agents
    assert result["occupancy"] == pytest.approx(offered_load, abs=0.02)


def test_impatient_customers_abandon_and_service_level_counts_them():
    patient = simulate(
        Scenario.single_queue(
            agents=4, arrivals_per_hour=90, aht=150, sl_threshold=20, hours=200, seed=5
        )
    )
    impatient = simulate(
        Scenario.single_queue(
            agents=4, arrivals_per_hour=90, aht=150, sl_threshold=20, hours=200, seed=5, patience=30
        )
    )
    q = impatient["queues"]["default"]
    assert q["abandoned"] > 0 and q["answered"] + q["abandoned"] <= q["offered"]
    assert q["asa_seconds"] < patient["queues"]["default"]["asa_seconds"]


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    def run(seed):
        result = simulate(
            Scenario.single_queue(
                agents=5,
                arrivals_per_hour=100,
                aht=120,
                sl_threshold=20,
                hours=20,
                seed=seed,
                handle_dist="lognormal",
            )
        )
        return result["queues"]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_a_scenario_with_skills_shifts_and_an_overflow_move(tmp_path, capsys):
    scenario = {
        "hours": 40,
        "seed": 3,
        "queues": [
            {
                "name": "sales",
                "arrivals_per_hour": 60,
                "aht_seconds": 200,
                "required_skills": {"sales": 3},
                "overflow": [
                    {"after_seconds": 30, "action": "move_to_queue", "target_queue_id": "general"}
                ],
            },
            {"name": "general", "arrivals_per_hour": 30, "aht_seconds": 200},
        ],
        "agents": [
            {"name": "seller", "count": 2, "queues": ["sales"], "skills": {"sales": 5}},
            {"name": "generalist", "count": 3, "queues": ["general"], "shift": [0, 30]},
        ],
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))

    call_command("simulate", "--scenario", str(path), "--json")
    result = json.loads(capsys.readouterr().out)

    sales, general = result["queues"]["sales"], result["queues"]["general"]
    # two sellers for 3.3 erlangs of sales: work that waits 30 s moves to general
    assert sales["offered"] > general["offered"]
    assert sales["answered"] < sales["offered"]
    assert general["answered"] > general["offered"]  # it answered moved sales work too
    assert result["simulated_interactions"] == sales["offered"] + general["offered"]


def test_simulate_prints_one_json_object_with_the_documented_fields(capsys):
    call_command(
        "simulate",
        "--agents",
        "3",
        "--arrivals-per-hour",
        "40",
        "--aht",
        "180",
        "--sl-threshold",
        "20",
        "--hours",
        "10",
        "--seed",
        "7",
        "--json",
    )
    result = json.loads(capsys.readouterr().out)

    assert set(result) == {"simulated_interactions", "wall_seconds", "queues"}
    queue = result["queues"]["default"]
    assert set(queue) == {
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "asa_seconds",
        "occupancy",
        "erlang_c",
    }
    assert set(queue["erlang_c"]) == {"agents", "p_wait", "service_level", "asa_seconds"}
    assert 0 <= queue["service_level"] <= 1 and 0 <= queue["occupancy"] <= 1


def test_simulate_documents_every_option(capsys):
    with pytest.raises(SystemExit):
        call_command("simulate", "--help")
    help_text = capsys.readouterr().out
    for option in (
        "--agents",
        "--arrivals-per-hour",
        "--aht",
        "--sl-threshold",
        "--hours",
        "--seed",
        "--patience",
        "--handle-dist",
        "--json",
        "--scenario",
    ):
        assert option in help_text
