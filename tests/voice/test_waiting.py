"""On hold, a caller hears their place and the expected wait from the live queue."""

from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from routing.presence import set_presence
from tests.factories import chat_message
from tests.voice.phone import Phone

pytestmark = pytest.mark.django_db(transaction=True)


def to_support(client, caller: str) -> Phone:
    phone = Phone(client, caller)
    phone.dial_in()
    phone.press("3")
    return phone


def test_the_place_in_line_follows_the_queue(client, api, line, agent):
    set_presence(agent.pk, "away", "break")
    first = to_support(client, "+15551230011")
    second = to_support(client, "+15551230012")

    assert "You are next in line." in first.said()
    assert "You are number 2 in line." in second.said()

    first.status("completed", duration=30)  # the first hangs up
    second.hold_on()

    assert "You are next in line." in second.said()


def test_the_expected_wait_comes_from_recent_handle_times_and_available_agents(
    client, api, line, agent, queues
):
    # Two chats answered and ended in Support earlier: 4 and 6 minutes of handling.
    for minutes in (4, 6):
        chat = ingest(chat_message())
        router.route_once()
        offered = Interaction.objects.get(pk=chat.interaction_id)
        offers.accept_offer(offered.id, offered.offer_id, offered.offer_agent_id)
        with clock.travel(timedelta(minutes=minutes)):
            offers.end_conversation(offered.id, agent.pk)
            offers.wrap_up(offered.id, agent.pk, disposition="resolved")
    set_presence(agent.pk, "away", "break")
    with clock.travel(timedelta(minutes=10)):
        first = to_support(client, "+15551230013")
        second = to_support(client, "+15551230014")

    # position x 5 minutes (mean handle time) / 1 agent (none available counts as one)
    assert "You are next in line. The expected wait is about 5 minutes." in first.said()
    assert "You are number 2 in line. The expected wait is about 10 minutes." in second.said()
