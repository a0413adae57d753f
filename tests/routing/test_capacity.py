"""Capacity per channel is a row per agent and channel (AgentCapacity); a channel without a row
takes the channel's default, so a newly installed channel is routed at once."""

from dataclasses import replace

import pytest

from channels_adapters import base
from routing import config, router
from routing.models import AgentProfile, AgentState
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_new_channel():
    """A channel registered the way an adapter's ready() does, gone after the test."""
    webchat = base.channel("webchat")
    fresh = replace(webchat, name="newchan", label="New channel", default_capacity=2)
    base.register(fresh)
    yield fresh
    base._channels.pop("newchan", None)


def test_an_agent_without_rows_gets_every_channels_default_and_rows_override(a_new_channel):
    user = an_agent(a_queue(), capacity_email=0, capacity_webchat=7)

    capacity = AgentProfile.objects.get(user=user).capacity()

    assert capacity["email"] == 0 and capacity["webchat"] == 7
    assert capacity["sms"] == 3 and capacity["voice"] == 1 and capacity["slack"] == 3
    assert capacity["newchan"] == 2


def test_a_channel_without_any_capacity_column_is_routed(a_new_channel):
    from contactcenter.interactions.ingest import ingest
    from contactcenter.interactions.models import Interaction

    queue = a_queue(channels=("newchan",), entry="newchan:*")
    agent = an_agent(queue)
    config.invalidate()
    ingest(chat_message(visitor="v-new", channel="newchan", channel_key="k"))

    router.route_once()

    interaction = Interaction.objects.get(channel="newchan")
    assert interaction.offer_id
    assert AgentState.objects.get(agent_id=agent.pk).work[interaction.id]["channel"] == "newchan"
