"""Teams and roles: a team lead supervises their team only (the wallboard, monitoring,
presence, QA and reports), a QA specialist scores anyone's work and supervises no live work,
a supervisor supervises everyone (docs/security.md, "Roles")."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as in_thread
from django.contrib.auth.models import Group, User

from channels_adapters.webchat.models import WebChatChannel
from contactcenter import access, clock
from contactcenter.actions import Actor, Forbidden, NotVisible, rules, supervision
from contactcenter.actions import presence as presence_actions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.labels import commands as labels
from contactcenter.labels.models import LabelDefinition
from contactcenter.quality import commands as quality
from contactcenter.quality.models import Criterion, Scorecard, Section
from contactcenter.roles import QA_SPECIALISTS
from contactcenter.supervisor import wallboard
from routing import offers
from routing.models import Team
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent
from tests.sockets import request, supervisor_socket


def _center():
    """Support has Alice (in Tess's team) and Bob (not); each holds a chat; Quinn does QA."""
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved",))
    WebChatChannel.objects.create(key="demo", name="Demo")
    alice = an_agent(support, username="alice", available=False, capacity_webchat=10)
    bob = an_agent(support, username="bob", available=False, capacity_webchat=10)
    tess = User.objects.create_user("tess", password="pw-for-tests")
    quinn = User.objects.create_user("quinn", password="pw-for-tests")
    quinn.groups.add(Group.objects.get_or_create(name=QA_SPECIALISTS)[0])
    team = Team.objects.create(name="Front line")
    team.leads.add(tess)
    team.members.add(alice)
    sam = an_agent(support, username="sam", supervisor=True, available=False)
    return {
        "alice": alice,
        "bob": bob,
        "tess": tess,
        "quinn": quinn,
        "sam": sam,
        "alices_chat": _chat_held_by(alice),
        "bobs_chat": _chat_held_by(bob),
    }


def _chat_held_by(agent: User) -> str:
    from contactcenter.interactions.ingest import ingest

    interaction_id = ingest(chat_message(visitor=f"visitor-of-{agent.username}")).interaction_id
    offers.assign_by_hand(interaction_id, agent.pk)
    return interaction_id


def _closed(interaction_id: str, agent: User) -> str:
    offers.end_conversation(interaction_id, agent.pk)
    offers.wrap_up(interaction_id, agent.pk, disposition="resolved")
    return interaction_id


@pytest.fixture
def center(db):
    return _center()


def test_a_team_lead_supervises_their_team_only(center):
    tess = Actor.of(center["tess"], "supervisor")
    assert tess.supervises(center["alice"].pk) and not tess.supervises(center["bob"].pk)
    assert not tess.supervises(None)  # nobody holding it: supervisors only
    assert not tess.is_supervisor

    alices = rules.visible(tess, center["alices_chat"])
    assert rules.acting_for(tess, alices) == center["alice"].pk
    with pytest.raises(NotVisible):
        rules.visible(tess, center["bobs_chat"])


def test_a_team_lead_monitors_whispers_and_sets_presence_for_their_team_only(center):
    tess = Actor.of(center["tess"], "supervisor")
    assert supervision.monitor(tess, center["alices_chat"])
    supervision.whisper(tess, center["alices_chat"], "take your time")
    with pytest.raises(DomainError, match="team leads of the agent's team"):
        supervision.monitor(tess, center["bobs_chat"])
    with pytest.raises(DomainError, match="team leads of the agent's team"):
        supervision.barge(tess, center["bobs_chat"])

    presence_actions.set_presence(tess, center["alice"].pk, "offline")
    with pytest.raises(Forbidden):
        presence_actions.set_presence(tess, center["bob"].pk, "offline")
    with pytest.raises(DomainError, match="only supervisors"):
        supervision.assign(tess, center["bobs_chat"], center["alice"].pk)


def test_a_qa_specialist_reads_every_interaction_and_acts_on_none(center):
    quinn = Actor.of(center["quinn"], "supervisor")
    assert quinn.role == "agent" and not quinn.supervises(center["alice"].pk)
    bobs = rules.visible(quinn, center["bobs_chat"])
    with pytest.raises(Forbidden):
        rules.acting_for(quinn, bobs)
    with pytest.raises(DomainError, match="only supervisors"):
        supervision.monitor(quinn, center["alices_chat"])
    assert access.may_score(center["quinn"]) and not access.may_supervise(center["quinn"])
    assert access.scored_agents(center["quinn"]) is None


def test_a_supervisor_still_supervises_everyone(center):
    sam = Actor.of(center["sam"], "supervisor")
    assert sam.is_supervisor and sam.supervises(center["bob"].pk) and sam.supervises(None)
    assert access.supervised_agents(center["sam"]) is None


def test_the_pages_each_role_opens(client, center):
    client.force_login(center["tess"])
    assert client.get("/supervisor/").status_code == 200
    assert client.get("/supervisor/reports/agent/").status_code == 200
    assert client.get("/supervisor/reports/queue/").status_code == 403
    assert client.get("/supervisor/quality/").status_code == 200
    assert client.get("/supervisor/staffing/").status_code == 403

    client.force_login(center["quinn"])
    assert client.get("/supervisor/").status_code == 403
    assert client.get("/supervisor/reports/agent/").status_code == 403
    assert client.get("/supervisor/quality/").status_code == 200
    assert client.get("/supervisor/quality/report/").status_code == 200


def test_a_team_lead_scores_and_reads_their_teams_work_only(client, center):
    alices = _closed(center["alices_chat"], center["alice"])
    bobs = _closed(center["bobs_chat"], center["bob"])
    card = Scorecard.objects.create(name="Chat", pass_mark=50)
    greeted = Criterion.objects.create(
        section=Section.objects.create(scorecard=card, title="Opening", weight=1),
        text="Greeted",
        weight=1,
    )
    sam = center["sam"].pk
    of_alice = quality.submit_evaluation(alices, card.pk, evaluator_id=sam, points={greeted.pk: 1})
    of_bob = quality.submit_evaluation(bobs, card.pk, evaluator_id=sam, points={greeted.pk: 0})

    client.force_login(center["tess"])
    home = client.get("/supervisor/quality/").text
    assert alices in home and bobs not in home
    assert client.get(f"/supervisor/quality/score/{alices}/").status_code == 200
    assert client.get(f"/supervisor/quality/score/{bobs}/").status_code == 404
    assert client.get(f"/supervisor/quality/evaluations/{of_alice}/").status_code == 200
    assert client.get(f"/supervisor/quality/evaluations/{of_bob}/").status_code == 404

    client.force_login(center["quinn"])  # everyone's work
    assert client.get(f"/supervisor/quality/score/{bobs}/").status_code == 200
    assert client.get(f"/supervisor/quality/evaluations/{of_bob}/").status_code == 200


def test_a_team_leads_wallboard_lists_their_teams_follow_ups_only(center):
    soon = (clock.now() + timedelta(minutes=1)).isoformat()
    for agent, chat in ((center["alice"], "alices_chat"), (center["bob"], "bobs_chat")):
        offers.end_conversation(center[chat], agent.pk)
        offers.wrap_up(center[chat], agent.pk, disposition="resolved", call_back_at=soon)

    teams = wallboard.board(team=access.supervised_agents(center["tess"]))["follow_ups"]
    assert teams["scheduled"] == 1
    assert [f["interaction_id"] for f in teams["today"]] == [center["alices_chat"]]
    everyone = wallboard.board()["follow_ups"]  # a supervisor's board
    assert everyone["scheduled"] == 2
    assert {f["interaction_id"] for f in everyone["today"]} == {
        center["alices_chat"],
        center["bobs_chat"],
    }


def test_a_team_leads_report_counts_their_teams_conversations_by_label(client, center):
    LabelDefinition.objects.create(name="vip", title="VIP")
    for chat in ("alices_chat", "bobs_chat"):
        labels.change_conversation(center[chat], add=["vip"])

    client.force_login(center["tess"])
    (vip,) = client.get("/supervisor/reports/agent/").context["by_label"]
    assert (vip.title, vip.conversations) == ("VIP", 1)  # Alice's; Bob is not in the team
    client.force_login(center["sam"])
    (vip,) = client.get("/supervisor/reports/agent/").context["by_label"]
    assert vip.conversations == 2


@pytest.mark.django_db(transaction=True)
async def test_a_team_leads_wallboard_shows_only_their_team():
    center = await in_thread(_center)()
    socket = await supervisor_socket(center["tess"])
    board = await socket.receive_json_from(timeout=8)
    assert board["type"] == "board"
    assert [a["name"] for a in board["agents"]] == ["alice"]
    (support,) = board["queues"]
    assert sum(support["agents"].values()) == 1  # Alice; Bob is in Support too, not the team
    held = {w["interaction_id"] for a in board["agents"] for w in a["work"]}
    assert held == {center["alices_chat"]}

    answer = await request(socket, "monitor", interaction_id=center["bobs_chat"])
    assert answer["type"] == "error", answer
    answer = await request(socket, "monitor", interaction_id=center["alices_chat"])
    assert answer["type"] != "error", answer
    row = await in_thread(Interaction.objects.get)(pk=center["alices_chat"])
    assert row.agent_id == center["alice"].pk
    await socket.disconnect()
