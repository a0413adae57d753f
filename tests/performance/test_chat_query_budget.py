"""How many statements one web chat costs the server, phase by phase: a budget that keeps
the real-time path cheap (issue 18). Each ORM query costs about a millisecond of CPU on the
2-core machine, and a chat's server CPU is mostly their sum (docs/benchmarks.md). A change
that needs more states why here; one that needs fewer lowers the budget."""

import collections
import contextlib
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async

from channels_adapters.webchat import lines, tokens
from channels_adapters.webchat import visitor as visitors
from channels_adapters.webchat.models import WebChatChannel
from contactcenter import clock
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.console import state
from contactcenter.interactions.models import Interaction
from contactcenter.request_memo import one_request
from routing import router, waiting
from tests import statements
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, visitor_socket, widget_socket

# The budget is PostgreSQL's, where the servers run: on SQLite (the embedded default) the
# event store and the locks take other statements, and this failed `make test` without
# DATABASE_URL.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

# Statements per phase, in steady state (the routing configuration, and with it who everyone
# is, already read by the process, as on a running server; no agent's roles asked before):
# every statement, the event store's own included (its reads and appends, on psycopg
# cursors of its own: tests/statements.py).
BUDGET = {
    "visitor connects": 1,  # the thread key; the channel and its topics kept (configured.py)
    # The widget's first visit: the socket made the visitor, who has no conversation to read.
    "a new visitor connects": 0,
    # With the queue's line, read to tell those waiting their place. A customer first heard
    # from now is registered in the interaction's append (one INSERT, one write of rows; the
    # customer's new row not read back), and a new interaction's timers and mood are known
    # to be none (no DELETE, no read). The visitor's identity is read for the name they gave
    # before, so the thread key's read does not read it again. The routers in other processes
    # are told of it by the event INSERT itself (its pg_notify), not a statement more. The
    # new customer's data keys are written with the projections' rows (sealing.py), not in
    # INSERTs of their own.
    "first message": 5,
    # The same, less the name the visitor gave before: one made by the widget's socket gave
    # none, and its identity is read with the thread key.
    "a new visitor's first message": 4,
    # The agents claimed, then read whole those changed since the last round: the offer's
    # projection takes the agents' rows as the claim read them, not read again.
    "routing": 7,
    # The transcript read once for the view and its matches; the conversation's and the
    # customer's labels and attributes in one read; no self-service read for a conversation
    # whose stream never started one; the customer's row with the ids merged into them, their
    # identities, notes and newest conversations (crm.timeline).
    "the console opens the offer": 6,
    # + the line it left, for those behind; decided from the row the check read, the stream
    # unread; timers unread, the offer's deleted in the statement that writes the rows; the
    # agent's state read with the interaction's row by the check, not after it
    "accept": 4,
    # Asked for with the accept only where the offer's view held back whispers for the agent
    # (notes_withheld); else the accept's pushes bring what it changed, none read. A queue
    # without a script: its configuration says so.
    "accept's partial view": 3,
    # No look for a resend; the thread key, its row, the conversation's mood and the sender's
    # identity in one read, and a conversation still open decided from that row, its stream
    # unread.
    "a later message": 3,
    "the visitor leaves": 3,  # the thread key and its row in one read, decided from the row
}
# The projections' writes of one append are one statement on PostgreSQL
# (row_statements.write): a first message's eight, a later one's five. Loading an
# interaction opens none of its sealed fields, so reads no data key (store.fold_stream). An
# append in a command looks up no idempotency key first: the unique index refuses a taken one
# (store.retried_as_a_whole). What is pushed after a commit reads the rows the append's
# projections held from memory (store.as_committed): the visitor's push and the voice bridge
# read no interaction row.


@pytest.fixture(autouse=True)
def _configuration_checked_by_the_process_not_the_chat(monkeypatch):
    """A process asks whether its configuration snapshot is current once every TTL_SECONDS
    (routing/config.py), whatever it is doing: a statement of the clock's, not of a chat's
    phase. Under the whole suite's load a phase sometimes took longer than that, and counted
    it (a rerun of the socket test below)."""
    from routing import config

    monkeypatch.setattr(config, "TTL_SECONDS", 3600.0)


@contextlib.contextmanager
def counting(phases: dict, phase: str):
    """Every statement any thread's connection runs (the server's socket calls run on a
    pool of threads), within one request as a socket call is."""
    with statements.recorded() as run:
        with one_request():
            yield
        assert lines.quiet()  # a line it moved is read on a thread of its own, soon after
    phases[phase] = the_chats(run)


def test_a_web_chat_stays_within_its_statement_budget():
    queue = a_queue(name="Support", entry="webchat:*")
    WebChatChannel.objects.create(key="demo", name="Demo", messages_per_minute=100)
    agents = [an_agent(queue) for _ in range(20)]
    _, warm = tokens.issue("demo", str(uuid.uuid4()))
    visitors.welcome(warm)  # the process has read its configuration, everyone's roles with it
    waiting.recent_pace(queue.pk, clock.now())  # and its queue's pace, telling someone their place

    phases: dict[str, list[str]] = {}
    _, visitor = tokens.issue("demo", str(uuid.uuid4()))
    profile = visitors.Profile()  # the socket's, kept from message to message
    with counting(phases, "visitor connects"):  # two socket calls, each with its own memo
        with one_request():
            chat = visitors.channel("demo")
        visitors.arrived(visitor, chat)
    with counting(phases, "a new visitor connects"):
        visitors.arrived(tokens.renewed("demo")[1], chat, new=True)
    with counting(phases, "first message"):
        result = visitors.send_message(visitor, "hello", "c1", profile)
    with counting(phases, "routing"):
        router.route_once()
    row = Interaction.objects.get(pk=result.interaction_id)
    agent = next(a for a in agents if a.pk == row.offer_agent_id)
    with counting(phases, "the console opens the offer"):
        state.interaction_view(row.id, agent)
    with counting(phases, "accept"):
        actions.accept(Actor.of(agent, "console"), row.id, row.offer_id)
    with counting(phases, "accept's partial view"):
        state.interaction_view(row.id, agent, partial=True)
    with counting(phases, "a later message"):
        visitors.send_message(visitor, "more", "c2", profile)
    with counting(phases, "the visitor leaves"):
        visitors.left(visitor, 60)

    over = {
        phase: collections.Counter(sql[:120] for sql in run).most_common()
        for phase, run in phases.items()
        if len(run) > BUDGET[phase]
    }
    print({phase: len(run) for phase, run in phases.items()})
    for phase, run in over.items():
        print(phase, run)
    assert not over, over


async def test_over_the_sockets_a_chat_costs_what_its_budget_says():
    """The socket's database calls are requests too (db_threads.in_thread): what the budget
    above counts inside one request, the servers spend over the sockets, where the answers a
    request keeps were once lost, and each later message read the visitor's identity and the
    customer again, and the console's opening read who was merged into the customer four
    times."""
    queue = await sync_to_async(a_queue)(name="Support", entry="webchat:*")
    await WebChatChannel.objects.acreate(key="demo", name="Demo", messages_per_minute=100)
    agent = await sync_to_async(an_agent)(queue)
    visitor = await visitor_socket()
    await next_frame(visitor, "welcome")
    await say(visitor, "hello")
    await sync_to_async(router.route_once)()
    row = await Interaction.objects.aget(state="offered")
    console = await agent_socket(agent)
    await next_frame(console, "snapshot")
    assert await sync_to_async(lines.quiet)()

    with statements.recorded() as later_message:
        await say(visitor, "more")
    with statements.recorded() as check:
        await sync_to_async(_in_one_request)(state.viewable, agent, row.id)
    with statements.recorded() as opening:
        await console.send_json_to({"type": "open", "interaction_id": row.id})
        await next_frame(console, "interaction")
    await visitor.disconnect()
    await console.disconnect()

    later_message, check, opening = (the_chats(run) for run in (later_message, check, opening))
    assert len(later_message) == BUDGET["a later message"], later_message
    # The console follows the offer (it was in its snapshot): the check and the view in one
    # call, the interaction's row read once for both. The agent's queues came with the
    # routing configuration (roles.People), not a query of their own.
    assert len(check) == 1, check
    assert len(opening) <= BUDGET["the console opens the offer"], opening


async def test_a_new_visitor_on_the_widgets_socket_costs_what_its_budget_says():
    """The widget opens its socket as its session: the visitor it makes has no conversation
    and no name given before to read, as it connects or with its first message."""
    queue = await sync_to_async(a_queue)(name="Support", entry="webchat:*")
    await WebChatChannel.objects.acreate(key="demo", name="Demo", messages_per_minute=100)
    await sync_to_async(an_agent)(queue)
    warm = await visitor_socket()  # the process reads its configuration
    await next_frame(warm, "welcome")
    await say(warm, "warming up")
    assert await sync_to_async(lines.quiet)()

    with statements.recorded() as connecting:
        visitor = await widget_socket()
        await next_frame(visitor, "welcome")
    with statements.recorded() as first_message:
        await say(visitor, "hello")
        assert await sync_to_async(lines.quiet)()
    for socket in (warm, visitor):
        await socket.disconnect()

    assert the_chats(connecting) == []
    assert len(the_chats(first_message)) == BUDGET["a new visitor's first message"], the_chats(
        first_message
    )


def the_chats(run: list[str]) -> list[str]:
    """Less what a connection the pool opened meanwhile ran to set itself up."""
    return statements.of_the_work(run)


async def say(socket, text: str) -> dict:
    ref = uuid.uuid4().hex
    await socket.send_json_to({"type": "message", "text": text, "client_message_id": ref})
    return await next_frame(socket, "ack", client_message_id=ref)


def _in_one_request(function, *args):
    with one_request():
        return function(*args)
