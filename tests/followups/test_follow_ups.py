"""Follow-ups that happen: wrap-up's *call back at* / *follow up on* schedules one; when it is
due the follow-ups loop reopens the conversation and queues it for the same agent with the
note, exactly once however often it is asked; it is listed under *My follow-ups* and on the
wallboard."""

from datetime import timedelta

import pytest
from django.test import Client

from contactcenter import clock
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.events import store
from contactcenter.followups import schedule
from contactcenter.followups.models import FollowUp
from contactcenter.interactions.domain import DomainError, stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from contactcenter.supervisor import wallboard
from contactcenter.workers import registry
from routing import offers, presence, router
from tests.api.conftest import client_for
from tests.browser.inbox_world import a_chat, support_center
from tests.factories import chat_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    _support, people = support_center(agent2=True)
    return people


def wrapped_up(agent, **follow_up) -> str:
    chat = a_chat(agent, name="Cal Back")
    console = Actor.of(agent, "console")
    actions.end(console, chat)
    actions.wrap_up(console, chat, "resolved", notes="check the refund landed", **follow_up)
    return chat


def log(interaction_id: str) -> list[str]:
    return [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_a_call_back_comes_back_to_the_same_agent_with_the_note(people):
    agent1 = people["agent1"]
    later = clock.now() + timedelta(hours=1)
    chat = wrapped_up(agent1, call_back_at=later.isoformat())
    follow_up = FollowUp.objects.get(pk=chat)
    assert (follow_up.state, follow_up.agent_id, follow_up.due_at) == (
        "scheduled",
        agent1.pk,
        later,
    )

    assert schedule.bring_back_due() == 0  # not yet
    assert Interaction.objects.get(pk=chat).state == "closed"

    with clock.travel(timedelta(hours=1, seconds=1)):
        assert schedule.bring_back_due() == 1
        row = Interaction.objects.get(pk=chat)
        assert (row.state, row.preferred_agent_id) == ("queued", agent1.pk)
        assert log(chat)[-3:] == ["FollowUpDue", "InteractionReopened", "InteractionQueued"]
        due = next(e for e in store.read_stream(stream_id(chat)) if e.type == "FollowUpDue")
        assert due.data["note"] == "check the refund landed"

        # agent2 has been idle longest, but the follow-up goes to agent1, who asked for it
        presence.set_presence(agent1.pk, "available", changed_by="agent")
        router.route_once()
        row = Interaction.objects.get(pk=chat)
        assert (row.state, row.offer_agent_id) == ("offered", agent1.pk)


def test_coming_due_happens_once_however_often_it_is_asked(people):
    chat = wrapped_up(people["agent1"], call_back_at=clock.now().isoformat())
    assert schedule.bring_back_due() == 1
    after = log(chat)
    assert schedule.bring_back(chat) == 0  # asked again: done already
    # Delivered again as if the projection had not seen it (a redelivery): the idempotency
    # key still refuses it.
    FollowUp.objects.filter(pk=chat).update(state="scheduled")
    assert schedule.bring_back(chat) == 0
    assert log(chat) == after


def test_a_follow_up_on_a_day_is_due_at_its_start_and_listed_as_mine(people):
    agent1 = people["agent1"]
    tomorrow = (clock.now() + timedelta(days=1)).date()
    chat = wrapped_up(agent1, follow_up_on=tomorrow.isoformat())
    assert FollowUp.objects.get(pk=chat).due_at.date() in (tomorrow, tomorrow - timedelta(days=1))
    client = Client()
    client.force_login(agent1)
    mine = client.get("/console/follow-ups/").json()["follow_ups"]
    assert [(f["interaction_id"], f["note"], f["customer"]) for f in mine] == [
        (chat, "check the refund landed", "Cal Back")
    ]
    other = Client()
    other.force_login(people["agent2"])
    assert other.get("/console/follow-ups/").json()["follow_ups"] == []


def test_a_follow_up_when_the_customer_came_back_first_is_a_reminder(people):
    agent1 = people["agent1"]
    chat = wrapped_up(agent1, call_back_at=(clock.now() + timedelta(minutes=5)).isoformat())
    row = Interaction.objects.get(pk=chat)  # the customer writes again: reopened, waiting
    ingest(chat_message(visitor=row.threading_key, text="any news?"))
    assert Interaction.objects.get(pk=chat).state not in ("closed", "abandoned")
    with clock.travel(timedelta(minutes=6)):
        assert schedule.bring_back_due() == 1
    due = next(e for e in store.read_stream(stream_id(chat)) if e.type == "FollowUpDue")
    assert due.data["requeued"] is False
    assert log(chat).count("InteractionReopened") == 1  # only the customer's


def test_a_later_wrap_up_without_one_cancels_it_and_a_bad_time_is_refused(people):
    agent1 = people["agent1"]
    with pytest.raises(DomainError, match="not a time"):
        wrapped_up(agent1, call_back_at="tomorrow-ish")
    chat = wrapped_up(agent1, call_back_at=(clock.now() + timedelta(hours=2)).isoformat())
    FollowUp.objects.get(pk=chat)
    # The customer writes first; the agent takes it and wraps up again, with no follow-up.
    ingest(chat_message(visitor=Interaction.objects.get(pk=chat).threading_key, text="hi"))
    offers.assign_by_hand(chat, agent1.pk)
    console = Actor.of(agent1, "console")
    actions.end(console, chat)
    actions.wrap_up(console, chat, "resolved")
    assert FollowUp.objects.get(pk=chat).state == "cancelled"


def test_a_follow_up_that_cannot_come_back_is_put_aside_and_the_loop_sleeps(people, caplog):
    """A bug: one due follow-up that failed (its conversation is not in the log: a row the
    projection kept of an interaction another release wrote, say) kept `seconds_until_due`
    at zero: the loop ran round after round without sleeping for the minute it was aside."""
    now = clock.now()
    FollowUp.objects.create(
        interaction_id="0f0f0f0f-0000-4000-8000-000000000000",
        agent_id=people["agent1"].pk,
        due_at=now - timedelta(minutes=1),
        wrap_up_position=1,
        created_at=now - timedelta(hours=1),
    )
    good = wrapped_up(people["agent1"], call_back_at=now.isoformat())

    assert schedule.bring_back_due() == 1  # the good one, beside the one that failed
    assert FollowUp.objects.get(pk=good).state == "due"
    assert "could not come back" in caplog.text
    assert schedule.seconds_until_due() == schedule.MAX_IDLE_SECONDS
    assert schedule.bring_back_due() == 0  # aside: not tried again every round
    assert caplog.text.count("could not come back") == 1


def test_the_wallboard_shows_todays_follow_ups_and_the_loop_is_registered(people):
    chat = wrapped_up(people["agent1"], call_back_at=clock.now().isoformat())
    board = wallboard.board()
    assert board["follow_ups"]["scheduled"] == 1
    assert [f["interaction_id"] for f in board["follow_ups"]["today"]] == [chat]
    assert board["follow_ups"]["today"][0]["overdue"] is True
    assert "follow-ups" in {w.name for w in registry.registered() if w.standalone}
    loop = schedule.follow_up_loop()
    assert loop.name == "follow-ups" and loop.idle == 0.0  # one is due: no waiting


def test_the_api_takes_a_call_back_time(people):
    agent1 = people["agent1"]
    chat = a_chat(agent1)
    api = client_for(agent1)
    api.post(f"/api/v1/interactions/{chat}/end/")
    later = (clock.now() + timedelta(hours=3)).replace(microsecond=0)
    answer = api.post(
        f"/api/v1/interactions/{chat}/wrap-up/",
        {"disposition": "resolved", "call_back_at": later.isoformat()},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert FollowUp.objects.get(pk=chat).due_at == later
