"""An agent starts the conversation: the interaction is outbound and with them from the
first event, so they can write at once, then end and wrap up as usual."""

import pytest

from contactcenter.events import store
from contactcenter.interactions import commands as interactions
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import DomainError, Interaction, State, stream_id
from contactcenter.interactions.models import Interaction as Row
from routing import offers
from routing.models import AgentState
from tests.factories import new_chat
from tests.routing.builders import a_queue, an_agent


def test_starting_outbound_creates_the_interaction_with_the_agent():
    events = Interaction.start_outbound(
        "i9", channel="sms", channel_key="+15005550006", customer_id="c1", agent_id=7, queue_id=2
    )

    assert events == [
        ev.InteractionCreated(
            interaction_id="i9",
            channel="sms",
            channel_key="+15005550006",
            direction="outbound",
            customer_id="c1",
        ),
        ev.InteractionAssigned(interaction_id="i9", agent_id=7, queue_id=2, channel="sms"),
    ]
    interaction = Interaction()
    for event in events:
        interaction.apply(event, at=None)
    assert (interaction.state, interaction.agent_id, interaction.direction) == (
        State.ACTIVE,
        7,
        "outbound",
    )


@pytest.mark.parametrize("missing", [{"customer_id": ""}, {"channel": ""}, {"channel_key": ""}])
def test_an_outbound_interaction_needs_customer_and_channel(missing):
    fields = {"channel": "sms", "channel_key": "+15005550006", "customer_id": "c1", "agent_id": 7}
    with pytest.raises(DomainError):
        Interaction.start_outbound("i9", **{**fields, **missing})


@pytest.mark.django_db
def test_an_agent_writes_first_then_ends_and_wraps_up_and_their_capacity_counts_it():
    queue = a_queue()
    agent = an_agent(queue)
    customer_id = new_chat().customer_id

    interaction_id = interactions.start_outbound(
        channel="email",
        channel_key="support@example.com",
        customer_id=customer_id,
        agent_id=agent.pk,
        queue_id=queue.pk,
        subject="Your refund",
    )
    interactions.send_message(
        interaction_id, author=f"agent:{agent.pk}", text="Refund is on its way"
    )

    row = Row.objects.get(pk=interaction_id)
    assert (row.state, row.direction, row.agent_id, row.subject) == (
        "active",
        "outbound",
        agent.pk,
        "Your refund",
    )
    assert AgentState.objects.get(pk=agent.pk).load()["email"] == 1
    offers.end_conversation(interaction_id, agent.pk)
    offers.wrap_up(interaction_id, agent.pk, disposition="resolved")
    assert [e.type for e in store.read_stream(stream_id(interaction_id))] == [
        "InteractionCreated",
        "InteractionAssigned",
        "MessageSent",
        "WrapUpStarted",
        "WrapUpCompleted",
        "InteractionClosed",
    ]
    assert AgentState.objects.get(pk=agent.pk).load()["email"] == 0
