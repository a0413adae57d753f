"""Calibration: two evaluators score the same chat blind, then the report shows each one's
distance from the consensus, criterion by criterion. Calibration scores are not the agent's
results: they stay out of the agent's evaluations and the QA reports."""

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.quality import calibration
from contactcenter.quality.models import Calibration, Evaluation
from contactcenter.roles import QA_SPECIALISTS, SUPERVISORS
from tests.quality.test_quality_workflow import a_closed_chat, a_scorecard

pytestmark = pytest.mark.django_db


def person(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="pw-for-tests")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def setting():
    card, criteria = a_scorecard()
    interaction_id, agent = a_closed_chat()
    return {
        "card": card,
        "criteria": criteria,
        "interaction_id": interaction_id,
        "agent": agent,
        "quinn": person("quinn", QA_SPECIALISTS),
        "sam": person("sam", SUPERVISORS),
        "rita": person("rita", QA_SPECIALISTS),
    }


def score_as(client, user, s, calibration_id: str, points: tuple[str, str, str]):
    client.force_login(user)
    greeted, named, verified = s["criteria"]
    return client.post(
        f"/supervisor/quality/score/{s['interaction_id']}/",
        {
            "scorecard": s["card"].pk,
            "calibration": calibration_id,
            f"c{greeted.pk}": points[0],
            f"c{named.pk}": points[1],
            f"c{verified.pk}": points[2],
        },
    )


def open_one(client, s) -> str:
    client.force_login(s["quinn"])
    response = client.post(
        "/supervisor/quality/calibrations/",
        {
            "interaction": s["interaction_id"],
            "scorecard": s["card"].pk,
            "evaluators": [s["sam"].pk, s["rita"].pk],
        },
    )
    assert response.status_code == 302
    return Calibration.objects.get().pk


def test_two_evaluators_score_blind_then_the_report_shows_each_ones_deviation(client, setting):
    s = setting
    calibration_id = open_one(client, s)

    first = score_as(client, s["sam"], s, calibration_id, ("1", "1", "1"))
    assert first.status_code == 302 and calibration_id in first["Location"]
    sams = Evaluation.objects.get(evaluator_id=s["sam"].pk)

    # Rita has not scored: she sees neither Sam's evaluation nor any score on the pages.
    client.force_login(s["rita"])
    assert client.get(f"/supervisor/quality/evaluations/{sams.pk}/").status_code == 404
    page = client.get(
        f"/supervisor/quality/score/{s['interaction_id']}/?calibration={calibration_id}"
    )
    assert page.status_code == 200 and list(page.context["previous"]) == []
    waiting = client.get(f"/supervisor/quality/calibrations/{calibration_id}/")
    assert waiting.context["report"] is None
    assert "100.0" not in waiting.text and "sam: scored" in waiting.text

    assert score_as(client, s["rita"], s, calibration_id, ("1", "0", "1")).status_code == 302

    done = client.get(f"/supervisor/quality/calibrations/{calibration_id}/")
    report = done.context["report"]
    assert [(e.evaluator, e.score, e.score_deviation) for e in report.evaluators] == [
        ("rita", 75.0, -12.5),
        ("sam", 100.0, 12.5),
    ]
    named = next(r for r in report.criteria if r.criterion == "Used the name")
    assert named.consensus == 50.0
    assert named.deviation == {"sam": 50.0, "rita": -50.0}
    assert [c.wide for c in named.cells] == [True, True]
    assert client.get(f"/supervisor/quality/evaluations/{sams.pk}/").status_code == 200


def test_calibration_scores_are_not_the_agents_results(client, setting):
    s = setting
    calibration_id = open_one(client, s)
    score_as(client, s["sam"], s, calibration_id, ("1", "1", "0"))
    score_as(client, s["rita"], s, calibration_id, ("1", "1", "0"))

    client.force_login(s["agent"])
    assert client.get("/console/quality/").context["evaluations"].count() == 0
    client.force_login(s["quinn"])
    report = client.get("/supervisor/quality/report/")
    assert report.context["by_agent"] == [] and report.context["by_criterion"] == []
    assert client.get("/supervisor/quality/").context["evaluations"] == []


def test_only_the_invited_score_a_calibration_and_each_once(client, setting):
    s = setting
    calibration_id = open_one(client, s)
    outsider = person("olga", SUPERVISORS)

    assert score_as(client, outsider, s, calibration_id, ("1", "1", "1")).status_code == 404
    assert score_as(client, s["sam"], s, calibration_id, ("1", "1", "1")).status_code == 302
    again = score_as(client, s["sam"], s, calibration_id, ("0", "0", "0"))
    assert again.status_code == 400 and "scored this calibration already" in again.text
    assert Evaluation.objects.count() == 1


def test_a_calibration_needs_two_evaluators_who_may_score(client, setting):
    s = setting
    client.force_login(s["quinn"])
    agent_as_evaluator = client.post(
        "/supervisor/quality/calibrations/",
        {
            "interaction": s["interaction_id"],
            "scorecard": s["card"].pk,
            "evaluators": [s["sam"].pk, s["agent"].pk],
        },
    )
    alone = client.post(
        "/supervisor/quality/calibrations/",
        {
            "interaction": s["interaction_id"],
            "scorecard": s["card"].pk,
            "evaluators": [s["sam"].pk],
        },
    )

    assert agent_as_evaluator.status_code == 400
    assert alone.status_code == 400 and "at least two evaluators" in alone.text
    assert not Calibration.objects.exists()


def test_the_consensus_leaves_out_not_applicable_answers():
    items = [
        {"criterion_id": 1, "section": "S", "criterion": "Empathy", "max_points": 4},
    ]
    report = calibration.report(
        [
            calibration.Scored("a", 90, [items[0] | {"points": 4}]),
            calibration.Scored("b", 70, [items[0] | {"points": 2}]),
            calibration.Scored("c", 80, [items[0] | {"points": None}]),
        ]
    )

    (row,) = report.criteria
    assert row.consensus == 75.0
    assert row.deviation == {"a": 25.0, "b": -25.0, "c": None}
    assert [e.mean_abs_deviation for e in report.evaluators] == [25.0, 25.0, 0.0]
    assert report.mean_score == 80.0


def test_a_team_lead_of_another_team_cannot_be_asked_to_calibrate_this_agent(client, setting):
    from routing.models import Team

    s = setting
    lead = User.objects.create_user("lena", password="pw-for-tests")
    Team.objects.create(name="Night shift").leads.add(lead)
    client.force_login(s["quinn"])

    response = client.post(
        "/supervisor/quality/calibrations/",
        {
            "interaction": s["interaction_id"],
            "scorecard": s["card"].pk,
            "evaluators": [s["sam"].pk, lead.pk],
        },
    )

    assert response.status_code == 400 and "this agent's work" in response.text
    assert not Calibration.objects.exists()
