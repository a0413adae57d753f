"""A flow's condition step routes on the customer's labels and custom attributes: a VIP goes
to the VIP queue, a gold-tier customer is recognised, everyone else takes the other way."""

import pytest

from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from contactcenter.labels import commands as labels
from contactcenter.labels.models import AttributeDefinition, LabelDefinition
from routing.flows import definition
from routing.flows.definition import Kind, Step
from tests.factories import chat_message
from tests.flows.builders import a_flow, at_entry
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_condition_on_a_label_or_an_attribute():
    on_label = Step(id="c", kind=Kind.CONDITION, attribute="label", pattern="vip")
    assert definition.condition_holds(on_label, frozenset({"vip"}), {})
    assert not definition.condition_holds(on_label, frozenset(), {})
    on_tier = Step(id="c", kind=Kind.CONDITION, attribute="tier", pattern="Gold")
    assert definition.condition_holds(on_tier, frozenset(), {"tier": "gold"})
    assert not definition.condition_holds(on_tier, frozenset(), {"tier": "silver"})
    any_value = Step(id="c", kind=Kind.CONDITION, attribute="tier")
    assert definition.condition_holds(any_value, frozenset(), {"tier": "silver"})
    assert not definition.condition_holds(any_value, frozenset(), {})


def test_a_vip_customer_is_routed_to_the_vip_queue():
    LabelDefinition.objects.create(name="vip", title="VIP")
    AttributeDefinition.objects.create(key="tier", title="Tier", subject="customer")
    vip, everyone = a_queue(name="VIP", entry=None), a_queue(name="Everyone", entry=None)
    flow = a_flow(
        "is-vip",
        {
            "is-vip": {
                "kind": "condition",
                "attribute": "label",
                "pattern": "vip",
                "next_step": "to-vip",
                "fallback_step": "to-everyone",
            },
            "to-vip": {"kind": "route", "queue": vip},
            "to-everyone": {"kind": "route", "queue": everyone},
        },
    )
    at_entry(flow, "webchat", everyone)

    first = ingest(chat_message(visitor="w-vip", text="hello"))
    assert Interaction.objects.get(pk=first.interaction_id).queue_id == everyone.pk
    labels.change_customer(first.customer_id, add=["vip"])

    again = ingest(chat_message(visitor="w-vip", text="me again", start_new=True))
    assert again.interaction_id != first.interaction_id
    assert Interaction.objects.get(pk=again.interaction_id).queue_id == vip.pk
