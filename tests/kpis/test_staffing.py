"""The staffing page: required agents by Erlang C per interval, from entered figures or a
queue's history; the same numbers `simulate` prints for Erlang C."""

import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from contactcenter.kpis import staffing
from contactcenter.roles import SUPERVISORS
from routing import erlang
from routing.models import Queue
from tests.kpis.test_kpis_by_hand import DAY, Q1, project, the_morning

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def supervisor(client):
    boss = User.objects.create_user("sam", password="pw-for-tests")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(boss)
    return client


def simulate_erlang_c(agents: int, per_hour: float, aht: float, threshold: float) -> dict:
    out = io.StringIO()
    call_command(
        "simulate",
        "--agents", str(agents), "--arrivals-per-hour", str(per_hour), "--aht", str(aht),
        "--sl-threshold", str(threshold), "--hours", "1", "--seed", "1", "--json",
        stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())["queues"]["default"]["erlang_c"]


def test_entered_figures_get_the_agents_and_predictions_simulate_prints(supervisor):
    figures = "09:00 25 180\n09:30 50 240  # the morning peak\n10:00 0 200"

    page = supervisor.get(
        "/supervisor/staffing/",
        {"figures": figures, "interval": "30", "target": "80", "threshold": "20"},
    )

    assert page.status_code == 200
    plans = page.context["plans"]
    assert [p.agents for p in plans][2] == 0  # no contacts, nobody needed
    for plan, (per_hour, aht) in zip(plans[:2], [(50, 180), (100, 240)], strict=True):
        expected = erlang.agents_needed(
            arrivals_per_hour=per_hour, aht_seconds=aht, sl_threshold_seconds=20, sl_target=0.8
        )
        assert plan.agents == expected.agents and plan.prediction.service_level >= 0.8
        assert plan.as_simulate_prints() == simulate_erlang_c(plan.agents, per_hour, aht, 20)
        assert f"<strong>{plan.agents}</strong>" in page.text
    assert page.context["peak"] == plans[1].agents


def test_a_queue_history_gives_the_mean_day_per_interval(supervisor):
    Queue.objects.create(pk=Q1, name="Support", channels=["webchat"], sl_threshold_seconds=20)
    the_morning()
    project()

    page = supervisor.get(
        "/supervisor/staffing/", {"queue": Q1, "from": DAY, "to": DAY, "interval": "60"}
    )

    by_hour = {f"{p.demand.start:%H:%M}": p for p in page.context["plans"]}
    # support's handles: a 300 s and b 120 s ended 09:00-10:00; e 360 s in 10:00-11:00
    assert by_hour["09:00"].demand.contacts == 4
    assert by_hour["09:00"].demand.aht_seconds == pytest.approx((300 + 120) / 2)
    assert by_hour["10:00"].demand.aht_seconds == pytest.approx(360)
    assert (
        by_hour["09:00"].agents
        == staffing.plan(
            [by_hour["09:00"].demand], interval_minutes=60, sl_threshold_seconds=20, sl_target=0.8
        )[0].agents
    )


@pytest.mark.parametrize(
    "params",
    [
        {"figures": "9 o'clock 20 180"},
        {"figures": "09:10 20 180", "interval": "30"},
        {"figures": "09:00 -5 180"},
        {"queue": "999"},
        {"target": "150", "figures": "09:00 5 100"},
        {"interval": "7", "figures": "09:00 5 100"},
    ],
)
def test_bad_figures_are_a_400_that_says_why(supervisor, params):
    page = supervisor.get("/supervisor/staffing/", params)
    assert page.status_code == 400 and page.context["error"]
