"""Who may open an interaction is one rule asked two ways: compiled into a query
(`visible_interactions`: lists, search, the API) and of a row in hand (`may_open`: opening one
interaction by its key, every console action). They must never disagree — for every person of
docs/security.md's matrix and every way a row can stand."""

import itertools
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from contactcenter.access import can_open, may_open, visible_interactions
from contactcenter.interactions.models import Interaction
from tests.security.world import HANDED_OFF, HOLDING, OTHER_QUEUE, PEOPLE, QUEUE, build

pytestmark = pytest.mark.django_db


def test_a_row_in_hand_and_the_query_agree_for_everyone_on_every_kind_of_row():
    world = build()
    agents = [None] + [world.people[c].pk for c in (HOLDING, QUEUE, OTHER_QUEUE, HANDED_OFF)]
    queues = [None, world.support.pk, world.billing.pk]
    Interaction.objects.bulk_create(
        Interaction(
            id=str(uuid.uuid4()),
            channel="webchat",
            state=state,
            queue_id=queue,
            agent_id=holder,
            offer_agent_id=offered,
            last_agent_id=last,
            created_at=world.alice.date_joined,
        )
        for state, queue, holder, offered, last in itertools.product(
            ("queued", "offered", "active", "wrap_up", "closed", "abandoned"),
            queues,
            agents,
            agents,
            agents,
        )
    )
    rows = list(Interaction.objects.all())
    assert len(rows) > 2000

    for column in PEOPLE:
        user = world.people[column] or AnonymousUser()
        by_query = set(visible_interactions(user).values_list("pk", flat=True))
        in_hand = {row.pk for row in rows if may_open(user, row)}
        assert in_hand == by_query, column
        assert 0 < len(by_query) < len(rows) or column not in (HOLDING, QUEUE, HANDED_OFF)


def test_opening_by_key_answers_as_the_matrix_does():
    world = build()
    assert can_open(world.alice, world.held)
    assert not can_open(world.people[OTHER_QUEUE], world.held)
    assert not can_open(AnonymousUser(), world.held)
    assert not can_open(world.alice, "no-such-interaction")
