"""Labels and custom attributes: set through the actions layer as events naming who did it,
a repeat appends nothing, values are checked against their definition, the inbox filters by
them, the customer's timeline says who changed what, and the reports count by label."""

import json

import pytest
from django.test import Client

from contactcenter import clock
from contactcenter.actions import Actor, NotVisible
from contactcenter.actions import customers as customer_actions
from contactcenter.actions import labels as label_actions
from contactcenter.events import store
from contactcenter.interactions.domain import DomainError, stream_id
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.kpis import by_label
from contactcenter.kpis.figures import day_range
from contactcenter.labels import commands as label_commands
from contactcenter.labels import current
from contactcenter.labels.models import AttributeDefinition, LabelDefinition
from contactcenter.request_memo import one_request
from crm import customers
from crm.identities import normalise
from crm.timeline import profile_changes
from routing import config
from tests import statements
from tests.browser.inbox_world import a_chat, support_center
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    support, people = support_center()
    config.invalidate()  # the agents' names as support_center gave them
    LabelDefinition.objects.create(name="vip", title="VIP")
    LabelDefinition.objects.create(name="refund", title="Refund", on_customers=False)
    AttributeDefinition.objects.create(
        key="order", title="Order number", subject="conversation", kind="number"
    )
    AttributeDefinition.objects.create(
        key="tier", title="Tier", subject="customer", kind="choice", choices="gold, silver"
    )
    chat = a_chat(people["agent1"], name="Vera Visitor")
    return {**people, "support": support, "chat": chat}


def console(user) -> Actor:
    return Actor.of(user, "console")


def types(interaction_id: str) -> list[str]:
    return [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_an_agent_labels_a_conversation_and_a_repeat_appends_nothing(center):
    agent = console(center["agent1"])
    changed = label_actions.change_conversation(
        agent, center["chat"], add=["refund"], attributes={"order": "42"}
    )
    assert changed == 2
    assert current.labels("conversation", center["chat"]) == ["refund"]
    assert current.attributes("conversation", center["chat"]) == {"order": "42"}
    labelled = [e for e in store.read_stream(stream_id(center["chat"])) if "Label" in e.type]
    assert labelled[-1].actor == f"agent:{center['agent1'].pk}"

    before = types(center["chat"])
    again = label_actions.change_conversation(
        agent, center["chat"], add=["refund"], attributes={"order": "42.0"}
    )
    assert again == 0 and types(center["chat"]) == before

    label_actions.change_conversation(agent, center["chat"], remove=["refund"])
    assert current.labels("conversation", center["chat"]) == []
    lines = TranscriptEntry.objects.filter(interaction_id=center["chat"], kind="activity")
    assert {e.channel_data["activity"] for e in lines} >= {"labelled", "unlabelled"}


def test_values_and_labels_are_checked_against_their_definitions(center):
    agent = console(center["agent1"])
    with pytest.raises(DomainError, match="number"):
        label_actions.change_conversation(agent, center["chat"], attributes={"order": "abc"})
    with pytest.raises(DomainError, match="no label"):
        label_actions.change_conversation(agent, center["chat"], add=["nonsense"])
    customer_id = Interaction.objects.get(pk=center["chat"]).customer_id
    with pytest.raises(DomainError, match="no label"):  # refund is for conversations only
        label_actions.change_customer(agent, customer_id, add=["refund"])
    with pytest.raises(DomainError, match="one of gold, silver"):
        label_actions.change_customer(agent, customer_id, attributes={"tier": "bronze"})


def test_an_agent_outside_the_queue_cannot_label_or_edit(center):
    outsider = an_agent(a_queue(name="Elsewhere"), username="outsider")
    customer_id = Interaction.objects.get(pk=center["chat"]).customer_id
    with pytest.raises(NotVisible):
        label_actions.change_conversation(console(outsider), center["chat"], add=["vip"])
    with pytest.raises(NotVisible):
        customer_actions.edit_profile(console(outsider), customer_id, {"company": "Evil"})
    client = Client()
    client.force_login(outsider)
    answer = client.post(
        f"/console/labels/conversations/{center['chat']}/",
        json.dumps({"add": ["vip"]}),
        "application/json",
    )
    assert answer.status_code == 404


def test_profile_edits_say_who_changed_what(center):
    customer_id = Interaction.objects.get(pk=center["chat"]).customer_id
    agent = console(center["agent1"])
    with statements.recorded() as never_edited:  # at every offer the console opens
        assert profile_changes(customer_id) == []
    assert not [sql for sql in never_edited if "privacy_customerkey" in sql]  # nothing opened
    assert customer_actions.edit_profile(
        agent, customer_id, {"name": "Vera Visitor", "company": "Acme"}
    ) == ["company"]  # the name was already so
    assert customer_actions.edit_profile(agent, customer_id, {"company": "Acme"}) == []
    label_actions.change_customer(agent, customer_id, add=["vip"], attributes={"tier": "gold"})
    customer_actions.edit_profile(console(center["boss"]), customer_id, {"company": "Globex"})

    changes = profile_changes(customer_id)
    assert [(c.actor, c.what) for c in changes] == [
        (f"supervisor:{center['boss'].pk}", ["Company: Acme → Globex"]),
        (f"agent:{center['agent1'].pk}", ["Label added: vip", "tier: (none) → gold"]),
        (f"agent:{center['agent1'].pk}", ["Company: (none) → Acme"]),
    ]
    with pytest.raises(DomainError):
        customer_actions.edit_profile(agent, customer_id, {"email": "x@example.org"})


def test_the_http_endpoints_answer_bad_input_with_400(center):
    client = Client()
    client.force_login(center["agent1"])
    url = f"/console/labels/conversations/{center['chat']}/"
    assert client.post(url, "{bad", "application/json").status_code == 400
    assert client.post(url, json.dumps({"add": "vip"}), "application/json").status_code == 400
    assert client.post(url, json.dumps({"add": ["x"]}), "application/json").status_code == 400
    ok = client.post(url, json.dumps({"add": ["vip"]}), "application/json")
    assert ok.json()["labels"] == ["vip"]
    customer_id = Interaction.objects.get(pk=center["chat"]).customer_id
    profile = f"/console/customers/{customer_id}/profile/"
    answer = client.post(profile, json.dumps({"company": "Acme"}), "application/json")
    assert answer.json()["changed"] == ["company"]
    assert answer.json()["customer"]["changes"][0]["who"] == "Agent1"
    assert client.post(profile, json.dumps({"company": 5}), "application/json").status_code == 400
    defined = client.get("/console/labels/").json()
    assert [label["name"] for label in defined["labels"]] == ["refund", "vip"]


def test_the_inbox_filters_by_a_label_of_the_conversation_or_its_customer(center):
    agent1 = center["agent1"]
    other = a_chat(agent1, name="Olly Other")
    third = a_chat(agent1, name="Tess Third")
    agent = console(agent1)
    label_actions.change_conversation(agent, center["chat"], add=["vip"])
    label_actions.change_customer(agent, Interaction.objects.get(pk=third).customer_id, add=["vip"])
    client = Client()
    client.force_login(agent1)
    found = client.get("/console/inbox/?view=mine&label=vip").json()["items"]
    assert sorted(i["id"] for i in found) == sorted([center["chat"], third])
    assert all(i["labels"] == ["vip"] for i in found)
    assert other not in {i["id"] for i in client.get("/console/inbox/?label=vip").json()["items"]}


def test_the_reports_count_conversations_by_label(center):
    agent = console(center["agent1"])
    label_actions.change_conversation(agent, center["chat"], add=["vip", "refund"])
    another = a_chat(center["agent1"], name="Ann Other")
    label_actions.change_customer(
        agent, Interaction.objects.get(pk=another).customer_id, add=["vip"]
    )
    today = clock.now().date()
    counts = {c.label: c.conversations for c in by_label.counts(*day_range(today, today))}
    assert counts == {"vip": 2, "refund": 1}
    boss = Client()
    boss.force_login(center["boss"])
    page = boss.get("/supervisor/reports/queue/").content.decode()
    assert "Conversations by label" in page and "VIP" in page


def test_the_console_reads_a_conversations_and_its_customers_labels_ahead_in_one_statement(
    center,
):
    """The view of an offer asks for both subjects' labels and attributes; read ahead, they
    are what each read alone answers, a merged customer's included, and a later asker in the
    same request (a command after the view) asks afresh."""
    agent = console(center["agent1"])
    chat = center["chat"]
    customer_id = Interaction.objects.get(pk=chat).customer_id
    label_actions.change_conversation(agent, chat, add=["refund"], attributes={"order": "7"})
    label_actions.change_customer(agent, customer_id, add=["vip"], attributes={"tier": "gold"})
    duplicate, _ = customers.identify(normalise("email", "vera.again@example.org"))
    label_commands.change_customer(duplicate, attributes={"tier": "silver"})
    customers.merge(duplicate, customer_id)  # the survivor's own tier wins
    subjects = [("conversation", chat), ("customer", customer_id)]
    alone = {s: (current.labels(*s), current.attributes(*s)) for s in subjects}
    assert alone[subjects[1]] == (["vip"], {"tier": "gold"})

    with one_request():
        with statements.recorded() as ahead:
            current.read_ahead(*subjects)
        with statements.recorded() as after:
            together = {s: (current.labels(*s), current.attributes(*s)) for s in subjects}
        assert together == alone
        assert len([sql for sql in ahead if "labels_" in sql]) == 1 and after == []
        label_actions.change_conversation(agent, chat, remove=["refund"])
        assert current.labels("conversation", chat) == []  # taken once: asked afresh
