"""A queue's guided script beside the agent's conversation: steps recorded as the agent does
them, wrap-up refused while a required one is owed, and script adherence scored by QA's
automatic criterion."""

import json

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.events import store
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.quality.models import Criterion, Scorecard, Section
from contactcenter.roles import SUPERVISORS
from contactcenter.scripts.models import Script, ScriptStep
from routing import offers, router
from tests.factories import new_chat
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_chat():
    queue = a_queue("Retention")
    script = Script.objects.create(name="Cancellation")
    script.queues.add(queue)
    for position, (step_id, text, required, options) in enumerate(
        [
            ("greet", "Greet the customer by name", True, ""),
            ("reason", "Ask why they want to cancel", False, "Price | offer\nMoving | close"),
            ("offer", "Offer 3 months at half price", True, ""),
            ("close", "Confirm what happens next", True, ""),
        ]
    ):
        ScriptStep.objects.create(
            script=script,
            step_id=step_id,
            text=text,
            required=required,
            options=options,
            position=position,
        )
    agent = an_agent(queue)
    chat = new_chat(text="I want to cancel")
    router.route_once()
    row = Interaction.objects.get(pk=chat.interaction_id)
    offers.accept_offer(chat.interaction_id, row.offer_id, agent.pk)
    return chat.interaction_id, agent


def step(client, interaction_id: str, step_id: str, choice: str = ""):
    return client.post(
        f"/console/inbox/conversations/{interaction_id}/script/",
        json.dumps({"step": step_id, "choice": choice}),
        content_type="application/json",
    )


def test_the_agent_follows_the_script_and_each_step_is_recorded(client, held_chat):
    interaction_id, agent = held_chat
    client.force_login(agent)

    assert step(client, interaction_id, "greet").json()["current"] == "reason"
    refused = step(client, interaction_id, "reason", "Bored")
    assert refused.status_code == 400 and "Price, Moving" in refused.json()["error"]
    after = step(client, interaction_id, "reason", "Moving").json()

    assert after["current"] == "close"
    assert after["missing"] == ["close"]
    assert [s["id"] for s in after["steps"] if s["skipped"]] == ["offer"]
    done = [
        (e.data["step"], e.data["choice"], e.data["agent_id"])
        for e in store.read_stream(f"interaction-{interaction_id}")
        if e.type == "ScriptStepDone"
    ]
    assert done == [("greet", "", agent.pk), ("reason", "Moving", agent.pk)]

    other = an_agent(username="not-holding-it")
    client.force_login(other)
    assert step(client, interaction_id, "close").status_code == 404


def test_wrap_up_waits_for_the_required_steps(held_chat):
    interaction_id, agent = held_chat
    actor = Actor.of(agent, "console")
    actions.script_step(actor, interaction_id, "greet")
    actions.end(actor, interaction_id)

    with pytest.raises(DomainError, match="Confirm what happens next"):
        actions.wrap_up(actor, interaction_id, "resolved")

    actions.script_step(actor, interaction_id, "reason", "Moving")
    actions.script_step(actor, interaction_id, "close")  # (in wrap-up too)
    actions.wrap_up(actor, interaction_id, "resolved")
    assert Interaction.objects.get(pk=interaction_id).state == "closed"


def test_qa_scores_script_adherence_automatically(client, held_chat):
    interaction_id, agent = held_chat
    actor = Actor.of(agent, "console")
    actions.script_step(actor, interaction_id, "greet")
    actions.script_step(actor, interaction_id, "reason", "Price")
    actions.script_step(actor, interaction_id, "offer")
    actions.end(actor, interaction_id)
    Interaction.objects.filter(pk=interaction_id).update(state="closed")  # (as if wrapped up)
    card = Scorecard.objects.create(name="Retention")
    section = Section.objects.create(scorecard=card, title="Process")
    Criterion.objects.create(
        section=section, text="Followed the script", max_points=4, automatic="script_adherence"
    )
    boss = User.objects.create_user("boss", password="pw-for-tests")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(boss)

    page = client.get(f"/supervisor/quality/score/{interaction_id}/")

    assert "Automatic: Cancellation: 2 of 3 required steps done" in page.text
    (_, [(_, points, _)]) = page.context["criteria"][0]
    assert points == 3  # round(2 / 3 * 4)
    assert '<option value="3" selected>' in page.text


def test_a_script_linked_or_unlinked_in_admin_shows_or_goes_at_once():
    """Which scripts a queue has is in the routing configuration's snapshot (the console
    asks at every offer and answer): a link made or undone, or a script deleted, is a change
    of the configuration."""
    from contactcenter.scripts.commands import script_of

    queue = a_queue("Billing")
    script = Script.objects.create(name="Refunds")
    ScriptStep.objects.create(script=script, step_id="greet", text="Greet", position=0)
    assert script_of(queue.pk) is None

    script.queues.add(queue)
    assert script_of(queue.pk) == script

    script.queues.remove(queue)
    assert script_of(queue.pk) is None

    script.queues.add(queue)
    script.delete()
    assert script_of(queue.pk) is None
