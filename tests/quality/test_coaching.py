"""Coaching after evaluations: a coach plans a session with goals, focus criteria and a due
date; marks it held; the agent acknowledges it and follows their trend per criterion; the QA
report shows coverage and the score change after coaching."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User

from contactcenter import clock
from contactcenter.quality import coaching
from contactcenter.quality.models import CoachingSession, Evaluation
from contactcenter.roles import SUPERVISORS
from tests.quality.test_quality_workflow import a_closed_chat, a_scorecard
from tests.routing.builders import an_agent


def scored(day: int, score: float, named: int | None = 1) -> coaching.Scored:
    items = [
        {"criterion_id": 1, "criterion": "Greeted", "points": 1, "max_points": 1},
        {"criterion_id": 2, "criterion": "Used the name", "points": named, "max_points": 1},
    ]
    return coaching.Scored(datetime(2026, 11, day, 10, tzinfo=UTC), score, score >= 80, items)


def test_the_trend_is_each_criterions_weekly_achievement():
    weeks = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    evaluations = [scored(3, 50, 0), scored(4, 100, 1), scored(17, 100, 1), scored(18, 60, None)]

    trend = coaching.trend(evaluations, weeks)

    assert trend == {"Greeted": [100.0, None, 100.0], "Used the name": [50.0, None, 100.0]}


def test_the_effect_compares_the_window_before_planning_with_the_one_after_holding():
    planned = datetime(2026, 11, 10, tzinfo=UTC)
    held = datetime(2026, 11, 12, tzinfo=UTC)
    evaluations = [scored(1, 50, 0), scored(5, 70, 0), scored(11, 0, 0), scored(20, 90, 1)]

    effect = coaching.effect(
        evaluations, planned, held, [{"criterion_id": 2, "criterion": "Used the name"}]
    )

    # the evaluation between planning and holding counts on neither side
    assert (effect.before, effect.after, effect.change) == (60.0, 90.0, 30.0)
    assert effect.focus == {"Used the name": (0.0, 100.0)}


def test_coverage_counts_the_failing_agents_who_were_coached():
    today = date(2026, 12, 1)
    covered = coaching.coverage(
        {7: [True, False], 8: [False], 9: [True]},
        [
            {"agent_id": 7, "held": True, "acknowledged": True, "due_on": today},
            {"agent_id": 9, "held": False, "acknowledged": False, "due_on": date(2026, 11, 30)},
        ],
        today,
    )

    assert (covered.evaluated, covered.failing, covered.coached) == (3, 2, 1)
    assert (covered.sessions, covered.held, covered.acknowledged, covered.overdue) == (2, 1, 1, 1)
    assert covered.share_coached == 0.5


@pytest.mark.django_db
def test_a_coach_plans_holds_and_the_agent_acknowledges_and_sees_their_trend(client):
    card, (greeted, named, verified) = a_scorecard()
    interaction_id, agent = a_closed_chat()
    boss = User.objects.create_user("boss", password="pw-for-tests")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(boss)
    client.post(
        f"/supervisor/quality/score/{interaction_id}/",
        {"scorecard": card.pk, f"c{greeted.pk}": "1", f"c{named.pk}": "0", f"c{verified.pk}": "1"},
    )
    evaluation = Evaluation.objects.get()
    due = (clock.now().date() + timedelta(days=7)).isoformat()

    page = client.get(f"/supervisor/quality/evaluations/{evaluation.pk}/")
    assert 'name="focus"' in page.text
    planned = client.post(
        "/supervisor/quality/coaching/",
        {
            "evaluation": evaluation.pk,
            "focus": [named.pk],
            "goals": "Use the customer's name\n\n  Confirm the name's spelling  ",
            "due_on": due,
        },
    )
    session = CoachingSession.objects.get()
    assert planned.status_code == 302 and session.pk in planned["Location"]
    assert session.goals == ["Use the customer's name", "Confirm the name's spelling"]
    assert session.focus == [{"criterion_id": named.pk, "criterion": "Used the name"}]
    assert session.agent_id == agent.pk

    assert (
        client.post(f"/supervisor/quality/coaching/{session.pk}/", {"note": "20 min"}).status_code
        == 302
    )
    again = client.post(f"/supervisor/quality/coaching/{session.pk}/")
    assert again.status_code == 400 and "held already" in again.text

    client.force_login(agent)
    mine = client.get("/console/quality/")
    assert "Use the customer" in mine.text
    assert [name for name, _, _ in mine.context["trend"]] == [
        "Greeted",
        "Used the name",
        "Verified identity",
    ]
    named_trend = dict((n, v) for n, _, v in mine.context["trend"])["Used the name"]
    assert named_trend[-1] == 0.0
    acknowledged = client.post(f"/console/quality/coaching/{session.pk}/", {"comment": "Will do"})
    assert acknowledged.status_code == 302
    session.refresh_from_db()
    assert session.acknowledged_at is not None and session.agent_comment == "Will do"

    client.force_login(an_agent(username="someone-else"))
    assert client.post(f"/console/quality/coaching/{session.pk}/").status_code == 404

    client.force_login(boss)
    report = client.get("/supervisor/quality/report/")
    coverage = report.context["coaching"]["coverage"]
    assert (coverage.failing, coverage.coached, coverage.held) == (1, 1, 1)


@pytest.mark.django_db
def test_a_session_needs_goals_a_future_due_date_and_one_agents_evaluations(client):
    card, criteria = a_scorecard()
    boss = User.objects.create_user("boss", password="pw-for-tests")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(boss)
    evaluations = []
    for _ in range(2):
        interaction_id, _ = a_closed_chat()
        client.post(
            f"/supervisor/quality/score/{interaction_id}/",
            {"scorecard": card.pk, **{f"c{c.pk}": "1" for c in criteria}},
        )
    evaluations = list(Evaluation.objects.values_list("pk", flat=True))
    tomorrow = (clock.now().date() + timedelta(days=1)).isoformat()
    yesterday = (clock.now().date() - timedelta(days=1)).isoformat()

    def plan(**fields):
        return client.post("/supervisor/quality/coaching/", fields)

    assert plan(evaluation=evaluations[0], goals="", due_on=tomorrow).status_code == 400
    assert plan(evaluation=evaluations[0], goals="x", due_on=yesterday).status_code == 400
    assert plan(evaluation=evaluations[0], goals="x", due_on="someday").status_code == 400
    two_agents = plan(evaluation=evaluations, goals="x", due_on=tomorrow)
    assert two_agents.status_code == 400 and "one agent" in two_agents.text
    assert not CoachingSession.objects.exists()
