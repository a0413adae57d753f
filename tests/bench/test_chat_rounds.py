"""The chat bench counts the router's rounds that made a run's offers (bench/chat_rounds.py),
from the transactions that appended them."""

import pytest

from bench import chat_rounds
from contactcenter.interactions.ingest import ingest
from routing import router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_offers_made_together_count_as_one_round():
    queue = a_queue(entry="webchat:*")
    an_agent(queue, capacity_webchat=2)
    an_agent(queue, capacity_webchat=2)
    for n in range(3):
        ingest(chat_message(visitor=f"w-{n}"))
    router.route_once()  # the three waiting, offered in one round

    rounds = chat_rounds.counted()
    assert (rounds.offers, rounds.rounds) == (3, 1)

    ingest(chat_message(visitor="w-3"))
    router.route_once()

    rounds = chat_rounds.counted()
    assert (rounds.offers, rounds.rounds) == (4, 2)
    assert str(rounds) == "4 offers in 2 rounds"
