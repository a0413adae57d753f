"""Supervisors score closed interactions beside the transcript; agents read and acknowledge
their own evaluations; reports sum them by agent and criterion."""

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.events.models import Event
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Interaction
from contactcenter.quality.models import Criterion, Evaluation, Scorecard, Section
from contactcenter.roles import SUPERVISORS
from routing import offers, router
from tests.factories import new_chat
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


def a_scorecard() -> tuple[Scorecard, list[Criterion]]:
    card = Scorecard.objects.create(name="Chat", pass_mark=80)
    opening = Section.objects.create(scorecard=card, title="Opening", weight=1)
    compliance = Section.objects.create(scorecard=card, title="Compliance", weight=1)
    return card, [
        Criterion.objects.create(section=opening, text="Greeted", weight=1),
        Criterion.objects.create(section=opening, text="Used the name", weight=1),
        Criterion.objects.create(
            section=compliance, text="Verified identity", weight=1, auto_fail=True, allow_na=False
        ),
    ]


def a_closed_chat(text: str = "Hello") -> tuple[str, User]:
    queue = a_queue()
    agent = an_agent(queue)
    chat = new_chat(text=text)
    router.route_once()
    row = Interaction.objects.get(pk=chat.interaction_id)
    offers.accept_offer(chat.interaction_id, row.offer_id, agent.pk)
    interactions.send_message(
        chat.interaction_id, author=f"agent:{agent.pk}", text="Hi <b>there</b>"
    )
    offers.end_conversation(chat.interaction_id, agent.pk)
    offers.wrap_up(chat.interaction_id, agent.pk, disposition="resolved")
    return chat.interaction_id, agent


@pytest.fixture
def boss(client):
    sam = User.objects.create_user("sam", password="pw-for-tests")
    sam.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(sam)
    return sam


def test_a_supervisor_scores_a_closed_chat_beside_its_escaped_transcript(client, boss):
    card, (greeted, named, verified) = a_scorecard()
    interaction_id, agent = a_closed_chat(text="<script>alert(1)</script>")

    page = client.get(f"/supervisor/quality/score/{interaction_id}/")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in page.text

    posted = client.post(
        f"/supervisor/quality/score/{interaction_id}/",
        {
            "scorecard": card.pk,
            f"c{greeted.pk}": "1",
            f"c{named.pk}": "0",
            f"note{named.pk}": "Use the customer's name",
            f"c{verified.pk}": "1",
            "comment": "Good start",
        },
    )

    evaluation = Evaluation.objects.get()
    assert posted.status_code == 302 and evaluation.id in posted["Location"]
    assert (evaluation.agent_id, evaluation.evaluator_id) == (agent.pk, boss.pk)
    assert evaluation.score == 75.0 and not evaluation.passed  # (50 % + 100 %) / 2 < 80
    submitted = Event.objects.get(type="EvaluationSubmitted")
    assert submitted.stream_id == f"evaluation-{evaluation.id}"
    assert submitted.metadata.get("actor", "") is not None


def test_an_open_interaction_cannot_be_scored(client, boss):
    card, criteria = a_scorecard()
    a_queue()
    chat = new_chat()
    answers = {f"c{c.pk}": "1" for c in criteria}

    response = client.post(
        f"/supervisor/quality/score/{chat.interaction_id}/", {"scorecard": card.pk, **answers}
    )

    assert response.status_code == 400 and "only closed interactions" in response.text
    assert not Evaluation.objects.exists()


def test_an_agent_sees_and_acknowledges_only_their_own_evaluations(client, boss):
    card, criteria = a_scorecard()
    interaction_id, agent = a_closed_chat()
    answers = {f"c{c.pk}": "1" for c in criteria}
    client.post(f"/supervisor/quality/score/{interaction_id}/", {"scorecard": card.pk, **answers})
    evaluation = Evaluation.objects.get()
    other = an_agent(username="someone-else")

    client.force_login(other)
    assert client.get("/console/quality/").context["evaluations"].count() == 0
    assert client.get(f"/console/quality/{evaluation.id}/").status_code == 404
    assert client.get(f"/supervisor/quality/evaluations/{evaluation.id}/").status_code == 403

    client.force_login(agent)
    page = client.get(f"/console/quality/{evaluation.id}/")
    assert page.status_code == 200 and "100.0 %" in page.text
    client.post(f"/console/quality/{evaluation.id}/", {"comment": "Thanks!"})
    evaluation.refresh_from_db()
    assert evaluation.acknowledged_at is not None and evaluation.agent_comment == "Thanks!"
    again = client.post(f"/console/quality/{evaluation.id}/", {"comment": "again"})
    assert again.status_code == 400 and "already acknowledged" in again.text

    client.logout()
    assert client.get("/console/quality/").status_code == 302


def test_the_qa_report_sums_by_agent_and_by_criterion(client, boss):
    card, (greeted, named, verified) = a_scorecard()
    for verified_points in ("1", "0"):
        interaction_id, _ = a_closed_chat()
        client.post(
            f"/supervisor/quality/score/{interaction_id}/",
            {"scorecard": card.pk, f"c{greeted.pk}": "1", f"c{named.pk}": "na",
             f"c{verified.pk}": verified_points},
        )  # fmt: skip

    page = client.get("/supervisor/quality/report/")

    by_agent = page.context["by_agent"]
    assert [(r["evaluations"], r["auto_fails"]) for r in by_agent] == [(1, 0), (1, 1)]
    by_criterion = {r["criterion"]: r for r in page.context["by_criterion"]}
    assert by_criterion["Greeted"]["achievement"] == 1.0
    assert by_criterion["Used the name"]["not_applicable"] == 2
    assert by_criterion["Verified identity"]["missed"] == 1


def test_admin_refuses_a_section_without_criteria(client):
    admin = User.objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client.force_login(admin)
    card = Scorecard.objects.create(name="Empty")

    response = client.post(
        "/admin/quality/section/add/",
        {
            "scorecard": card.pk,
            "title": "Opening",
            "order": 0,
            "weight": 1,
            "criteria-TOTAL_FORMS": 0,
            "criteria-INITIAL_FORMS": 0,
            "criteria-MIN_NUM_FORMS": 0,
            "criteria-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 200 and "at least one criterion" in response.text
    assert not Section.objects.exists()
    assert card.problems() == ["it has no sections"]
