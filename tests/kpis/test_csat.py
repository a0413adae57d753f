"""A customer's rating goes through a command that checks it, and into the KPIs."""

import pytest

from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.kpis import csat, figures
from contactcenter.kpis.models import IntervalFact
from routing import offers, router
from tests.factories import new_chat
from tests.kpis.follow import catch_up_fully
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_a_rating_counts_for_the_agent_and_a_second_one_replaces_it():
    from contactcenter.events import projections

    interaction_id, agent_id = a_handled_chat()
    csat.rate(interaction_id, 2, "slow")
    csat.rate(interaction_id, 5, "sorted in the end")

    catch_up_fully(projections.get("kpis"))

    rated = IntervalFact.objects.filter(dimension="agent", dimension_id=str(agent_id))
    total = figures.Figures({"csat_count": sum(f.csat_count for f in rated),
                             "csat_sum": sum(f.csat_sum for f in rated),
                             "csat_satisfied": sum(f.csat_satisfied for f in rated)})  # fmt: skip
    assert (total.csat_count, total.csat_mean, total.csat) == (1, 5, 1)


@pytest.mark.parametrize("rating", [0, 6, 3.5, True, "5"])
def test_a_rating_outside_one_to_five_is_refused(rating):
    interaction_id, _ = a_handled_chat()
    with pytest.raises(DomainError, match="1 to 5"):
        csat.rate(interaction_id, rating)


def test_an_interaction_nobody_answered_cannot_be_rated():
    a_queue()
    chat = new_chat()
    with pytest.raises(DomainError, match="agent answered"):
        csat.rate(chat.interaction_id, 4)
