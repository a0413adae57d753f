"""A customer's rating, given through the interaction's own decision, counts for the agent
who handled it."""

import pytest

from contactcenter.commands import command
from contactcenter.events import projections
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Interaction
from contactcenter.kpis import figures
from contactcenter.kpis.models import IntervalFact
from routing import offers, router
from tests.factories import new_chat
from tests.kpis.follow import catch_up_fully
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@command
def rate(interaction_id: str, rating: int, comment: str = "") -> None:
    interactions.decide_and_append(interaction_id, lambda i: i.rate(rating, comment))


def a_handled_chat() -> tuple[str, int]:
    queue = a_queue()
    agent = an_agent(queue)
    chat = new_chat()
    router.route_once()
    row = Interaction.objects.get(pk=chat.interaction_id)
    offers.accept_offer(chat.interaction_id, row.offer_id, agent.pk)
    offers.end_conversation(chat.interaction_id, agent.pk)
    offers.wrap_up(chat.interaction_id, agent.pk, disposition="resolved")
    return chat.interaction_id, agent.pk


def test_a_rating_counts_for_the_agent_who_handled_the_chat():
    interaction_id, agent_id = a_handled_chat()
    rate(interaction_id, 4, "sorted")

    catch_up_fully(projections.get("kpis"))

    facts = IntervalFact.objects.filter(dimension="agent", dimension_id=str(agent_id))
    total = figures.combine(
        figures.Figures({n: getattr(f, n) for n in ("csat_count", "csat_sum", "csat_satisfied")})
        for f in facts
    )
    assert (total.csat_count, total.csat_mean, total.csat) == (1, 4, 1)
