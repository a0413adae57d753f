"""Labels and custom attributes through the API: an integrator reads what is defined, labels a
conversation and its customer through the same action as the console (events naming the API
user), a repeat appends nothing, bad input is a 400 with the reason, and what one may not see
is a 404."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from contactcenter.labels.models import AttributeDefinition, LabelDefinition
from crm.customers import CustomerStream
from tests.api.conftest import chat_on, offered_to_and_accepted

pytestmark = pytest.mark.django_db


@pytest.fixture
def defined():
    LabelDefinition.objects.create(name="vip", title="VIP")
    LabelDefinition.objects.create(name="refund", title="Refund", on_customers=False)
    LabelDefinition.objects.create(name="old", title="Old", active=False)
    AttributeDefinition.objects.create(
        key="order", title="Order number", subject="conversation", kind="number"
    )
    AttributeDefinition.objects.create(
        key="tier", title="Tier", subject="customer", kind="choice", choices="gold, silver"
    )


CHANGES = ("Labelled", "Unlabelled", "AttributeSet")


def events_of(stream: str) -> list:
    """The label and attribute changes recorded on a stream."""
    return [e for e in store.read_stream(stream) if e.type.endswith(CHANGES)]


def test_an_integrator_reads_the_definitions(as_alice, defined):
    answer = as_alice.get("/api/v1/labels/").json()
    assert [label["name"] for label in answer["labels"]] == ["refund", "vip"]  # active ones
    assert {a["key"]: a["kind"] for a in answer["attributes"]} == {
        "order": "number",
        "tier": "choice",
    }


def test_labels_and_attributes_on_a_conversation_and_its_customer(as_alice, alice, defined):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)
    url = f"/api/v1/interactions/{chat}/labels/"

    changed = as_alice.post(
        url, {"add": ["vip", "refund"], "attributes": {"order": "1042"}}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json() == {
        "changed": 3,
        "labels": ["refund", "vip"],
        "attributes": {"order": "1042"},
    }
    again = as_alice.post(url, {"add": ["vip"], "attributes": {"order": 1042}}, format="json")
    assert again.json()["changed"] == 0  # already so: nothing appended
    removed = as_alice.post(url, {"remove": ["refund"]}, format="json").json()
    assert removed["labels"] == ["vip"]
    assert as_alice.get(url).json() == {"labels": ["vip"], "attributes": {"order": "1042"}}
    recorded = events_of(stream_id(chat))
    assert [e.type for e in recorded] == [
        "ConversationLabelled",
        "ConversationLabelled",
        "ConversationAttributeSet",
        "ConversationUnlabelled",
    ]
    assert {e.actor for e in recorded} == {f"agent:{alice.pk}"}  # as in the console

    customer_id = Interaction.objects.get(pk=chat).customer_id
    customer_url = f"/api/v1/customers/{customer_id}/labels/"
    tiered = as_alice.post(
        customer_url, {"add": ["vip"], "attributes": {"tier": "gold"}}, format="json"
    )
    assert tiered.json() == {"changed": 2, "labels": ["vip"], "attributes": {"tier": "gold"}}
    assert len(events_of(CustomerStream(customer_id).stream_id)) == 2


BAD = [
    ({"add": ["nope"]}, "no label 'nope'"),
    ({"add": ["old"]}, "no label 'old'"),  # inactive: no longer offered
    ({"add": ["vip"], "remove": ["vip"]}, "cannot be added and removed"),
    ({"attributes": {"colour": "red"}}, "no attribute 'colour'"),
    ({"attributes": {"order": "soon"}}, "Order number is a number"),
    ({"add": [f"l{n}" for n in range(51)]}, "at most 50 changes"),
]


@pytest.mark.parametrize(("body", "reason"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_change_is_a_400_with_the_reason_and_records_nothing(
    as_alice, alice, defined, body, reason
):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)
    answer = as_alice.post(f"/api/v1/interactions/{chat}/labels/", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "refused" and reason in answer.json()["detail"]
    assert events_of(stream_id(chat)) == []


@pytest.mark.parametrize(
    "body",
    [
        {"add": "vip"},
        {"add": [["vip"]]},
        {"attributes": ["order"]},
        {"attributes": {"order": "x" * 501}},
    ],
)
def test_input_of_the_wrong_shape_is_a_400_invalid(as_alice, alice, defined, body):
    chat = chat_on("support-site")
    offered_to_and_accepted(chat, alice)
    answer = as_alice.post(f"/api/v1/interactions/{chat}/labels/", body, format="json")
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid")


def test_what_one_may_not_see_is_a_404(as_bob, as_sam, defined):
    chat = chat_on("support-site")  # Support: not Bob's queue
    customer_id = Interaction.objects.get(pk=chat).customer_id
    for url in (f"/api/v1/interactions/{chat}/labels/", f"/api/v1/customers/{customer_id}/labels/"):
        assert as_bob.get(url).status_code == 404
        assert as_bob.post(url, {"add": ["vip"]}, format="json").status_code == 404
        assert as_sam.post(url, {"add": ["vip"]}, format="json").status_code == 200  # supervisor
    assert events_of(stream_id(chat))[0].actor.startswith("supervisor:")


def test_the_schema_describes_them(as_alice):
    schema = as_alice.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/interactions/{id}/labels/"])
    assert {"get", "post"} <= set(paths["/api/v1/customers/{id}/labels/"])
    assert "get" in paths["/api/v1/labels/"]
    body = paths["/api/v1/interactions/{id}/labels/"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]
    assert reference.rsplit("/", 1)[1].startswith("LabelChange")
