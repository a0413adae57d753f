"""Self-service through ingest, as the web chat widget drives it: prompts are MessageSent by
"flow" with options in channel_data, and answers come back as messages with flow_choice."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing.flows.models import FlowSession
from routing.models import EntryPoint
from tests.factories import chat_message, email_message
from tests.flows.builders import a_flow, at_entry, menu_flow
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def queues():
    return {
        "billing": a_queue("Billing", entry=None),
        "sales": a_queue("Sales", entry=None, priority=1),
        "support": a_queue("Support", entry="webchat:*"),
    }


@pytest.fixture
def flow(queues):
    flow = menu_flow(queues["billing"], queues["sales"], queues["support"])
    at_entry(flow, "webchat", queues["support"])
    return flow


def events_of(interaction_id: str) -> list:
    return store.read_stream(stream_id(interaction_id))


def prompts(interaction_id: str) -> list[dict]:
    return [
        e.data
        for e in events_of(interaction_id)
        if e.type == "MessageSent" and e.data["author"] == "flow"
    ]


def choose(visitor: str, value: str, label: str):
    return ingest(chat_message(visitor=visitor, text=label, channel_data={"flow_choice": value}))


def test_a_chat_at_an_entry_point_with_a_flow_starts_self_service_with_its_menu(flow):
    chat = ingest(chat_message(visitor="v-1", text="hi"))

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert row.state == "self_service"
    welcome, menu = prompts(chat.interaction_id)
    assert welcome["text"] == "Welcome to Acme."
    assert menu["channel_data"]["flow"]["step"] == "menu"
    assert menu["channel_data"]["flow"]["options"] == [
        {"value": "1", "label": "Billing"},
        {"value": "2", "label": "Sales"},
        {"value": "3", "label": "Support"},
    ]
    assert row.version == events_of(chat.interaction_id)[-1].version  # the row follows the stream


def test_the_answers_set_skill_priority_and_attributes_that_reach_routing(flow, queues):
    chat = ingest(chat_message(visitor="v-2"))
    choose("v-2", "1", "Billing")
    ingest(chat_message(visitor="v-2", text="123456"))

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert (row.state, row.queue_id) == ("queued", queues["billing"].pk)
    assert row.required_skills == {"billing": 5}
    queued = [e for e in events_of(chat.interaction_id) if e.type == "InteractionQueued"][-1]
    assert queued.data["required_skills"] == {"billing": 5}
    session = FlowSession.objects.get(pk=chat.interaction_id)
    assert session.outcome == "queued"
    assert session.attributes == {
        "account_number": "123456",
        "skill": "billing:5",
        "language": "en",
    }
    assert [step["step"] for step in session.path] == [
        "welcome",
        "menu",
        "billing",
        "billing-skill",
        "to-billing",
    ]
    assert session.path[1]["answers"] == [{"text": "Billing", "value": "1", "valid": True}]


def test_a_priority_from_the_flow_adds_to_the_queues(flow, queues):
    chat = ingest(chat_message(visitor="v-3"))
    choose("v-3", "2", "Sales")

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert (row.queue_id, row.priority) == (queues["sales"].pk, 1 + 3)


def test_a_wrong_answer_is_asked_again_and_too_many_go_to_the_entry_points_queue(flow, queues):
    chat = ingest(chat_message(visitor="v-4"))
    choose("v-4", "1", "Billing")
    ingest(chat_message(visitor="v-4", text="no idea"))
    assert (
        prompts(chat.interaction_id)[-1]["text"]
        == "Sorry, I did not get that. Your account number?"
    )

    ingest(chat_message(visitor="v-4", text="still no idea"))

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert (row.state, row.queue_id) == ("queued", queues["support"].pk)
    answers = FlowSession.objects.get(pk=chat.interaction_id).path[2]["answers"]
    assert [a["valid"] for a in answers] == [False, False]


def test_a_flow_that_ends_closes_the_interaction_as_contained(queues):
    flow = a_flow(
        "faq",
        {
            "faq": {
                "kind": "menu",
                "text": "Opening hours or an agent?",
                "options": "1 | Opening hours | hours\n2 | Agent | agent",
            },
            "hours": {"kind": "end", "text": "We are open 8 to 20."},
            "agent": {"kind": "route", "queue": queues["support"]},
        },
    )
    at_entry(flow, "webchat", queues["support"])
    chat = ingest(chat_message(visitor="v-5"))

    choose("v-5", "1", "Opening hours")

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert (row.state, row.close_reason) == ("closed", "self_service")
    assert FlowSession.objects.get(pk=chat.interaction_id).outcome == "ended"


def test_a_customer_who_leaves_in_self_service_dropped_out_at_their_step(flow):
    from routing import offers

    chat = ingest(chat_message(visitor="v-6"))
    choose("v-6", "1", "Billing")

    offers.abandon(chat.interaction_id)

    session = FlowSession.objects.get(pk=chat.interaction_id)
    assert (session.outcome, session.current_step) == ("abandoned", "billing")


def test_a_redelivered_answer_is_taken_once(flow):
    chat = ingest(chat_message(visitor="v-7"))
    answer = chat_message(visitor="v-7", text="Sales", channel_data={"flow_choice": "2"})

    first, again = ingest(answer), ingest(answer)

    assert again.duplicate and not first.duplicate
    assert sum(e.type == "FlowAnswerGiven" for e in events_of(chat.interaction_id)) == 1


def test_email_skips_flows_and_gets_the_flows_acknowledgement(flow, queues):
    flow.email_acknowledgement = "Thanks, we got your mail and will answer within a day."
    flow.save()
    EntryPoint.objects.create(channel="email", channel_key="*", queue=queues["support"], flow=flow)

    mail = ingest(email_message())

    row = Interaction.objects.get(pk=mail.interaction_id)
    assert (row.state, row.queue_id) == ("queued", queues["support"].pk)
    sent = [e.data for e in events_of(mail.interaction_id) if e.type == "MessageSent"]
    assert [(m["author"], m["text"]) for m in sent] == [
        ("system", "Thanks, we got your mail and will answer within a day.")
    ]
    assert sent[0]["subject"] == "Re: My order has not arrived"
    assert not FlowSession.objects.exists()


def test_an_entry_point_of_its_own_without_a_flow_wins_over_the_wildcard(flow, queues):
    EntryPoint.objects.create(channel="webchat", channel_key="demo", queue=queues["sales"])

    chat = ingest(chat_message(visitor="v-8"))

    assert Interaction.objects.get(pk=chat.interaction_id).state == "queued"


def test_the_agents_panel_reads_the_way_through_the_flow(client, flow, queues):
    from django.contrib.auth.models import User

    from routing.models import AgentProfile

    chat = ingest(chat_message(visitor="v-9"))
    choose("v-9", "1", "Billing")
    ingest(chat_message(visitor="v-9", text="123456"))
    outsider = User.objects.create_user("outsider", password="pw-for-tests")
    member = User.objects.create_user("member", password="pw-for-tests")
    AgentProfile.objects.create(user=member).queues.set([queues["billing"]])

    client.force_login(outsider)
    assert client.get(f"/flows/sessions/{chat.interaction_id}/").status_code == 404
    client.force_login(member)
    panel = client.get(f"/flows/sessions/{chat.interaction_id}/").json()

    assert panel["flow"] == flow.key and panel["outcome"] == "queued"
    assert panel["attributes"]["account_number"] == "123456"
    assert panel["path"][1] == {
        "step": "menu",
        "kind": "menu",
        "answers": [{"text": "Billing", "value": "1", "valid": True}],
    }


def test_a_customer_who_stops_answering_has_left_at_that_step(flow):
    from datetime import timedelta

    from contactcenter import clock
    from routing import router
    from routing.models import Timer

    chat = ingest(chat_message(visitor="v-10"))
    choose("v-10", "1", "Billing")
    (timer,) = Timer.objects.filter(interaction_id=chat.interaction_id)
    assert timer.kind == "flow_idle"

    with clock.travel(timedelta(minutes=29)):
        router.fire_due_timers()
    assert Interaction.objects.get(pk=chat.interaction_id).state == "self_service"
    with clock.travel(timedelta(minutes=31)):
        router.fire_due_timers()

    row = Interaction.objects.get(pk=chat.interaction_id)
    assert (row.state, row.close_reason) == ("abandoned", "no_answer")
    session = FlowSession.objects.get(pk=chat.interaction_id)
    assert (session.outcome, session.current_step) == ("abandoned", "billing")
    assert not Timer.objects.filter(interaction_id=chat.interaction_id).exists()


def test_the_idle_timer_ends_with_the_flow(flow):
    from routing.models import Timer

    chat = ingest(chat_message(visitor="v-11"))
    choose("v-11", "3", "Support")

    assert not Timer.objects.filter(interaction_id=chat.interaction_id, kind="flow_idle").exists()
