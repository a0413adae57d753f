"""How many statements one web chat costs the server, phase by phase: a budget that keeps
the real-time path cheap (issue 18). Counted over every thread's connection."""

import collections
import contextlib
import uuid

import pytest
from django.db.backends import utils as db_utils

from channels_adapters.webchat import tokens
from channels_adapters.webchat import visitor as visitors
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.console import state
from contactcenter.interactions.models import Interaction
from contactcenter.request_memo import one_request
from routing import router
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def counting(phases: dict, phase: str):
    statements: list[str] = []
    original = db_utils.CursorWrapper._execute

    def execute(self, sql, params, *ignored):
        statements.append(sql)
        return original(self, sql, params, *ignored)

    db_utils.CursorWrapper._execute = execute
    try:
        yield
    finally:
        db_utils.CursorWrapper._execute = original
        phases[phase] = statements


def test_print_budget():
    queue = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(key="demo", name="Demo", messages_per_minute=100)
    agents = [an_agent(queue) for _ in range(20)]
    phases: dict[str, list[str]] = {}
    _, visitor = tokens.issue("demo", str(uuid.uuid4()))
    with counting(phases, "connect"):
        visitors.channel("demo")
        visitors.returned(visitor)
        visitors.welcome(visitor)
    with counting(phases, "first message"):
        result = visitors.send_message(visitor, "hello", "c1", visitors.Profile())
    with counting(phases, "routing"):
        router.route_once()
    row = Interaction.objects.get(pk=result.interaction_id)
    agent = next(a for a in agents if a.pk == row.offer_agent_id)
    with counting(phases, "accept"), one_request():  # as a socket frame is
        actions.accept(Actor.of(agent, "console"), row.id, row.offer_id)
    with counting(phases, "accept view"), one_request():
        state.interaction_view(row.id, agent)
    with counting(phases, "message"):
        visitors.send_message(visitor, "more", "c2", visitors.Profile())
    with counting(phases, "leave"):
        visitors.left(visitor, 60)
    for phase, statements in phases.items():
        print(f"{phase}: {len(statements)}")
        for sql, n in collections.Counter(s[:150] for s in statements).most_common():
            print(f"   {n} x {sql}")
