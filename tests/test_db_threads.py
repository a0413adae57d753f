"""A socket's database call is one request for what request_memo keeps: the console's view
and the visitor's message ask the same small questions from several places, and answer them
once a call (contactcenter/db_threads.py)."""

import asyncio

import pytest

from contactcenter import db_threads, request_memo

# The call closes the thread's old connections around it, as every socket call does.
pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_sockets_database_call_keeps_its_answers_for_that_call_alone():
    asked = []

    def question() -> int:
        asked.append(1)
        return len(asked)

    def call() -> tuple[bool, int, int]:
        first = request_memo.asked("how many", "k", question)
        again = request_memo.asked("how many", "k", question)
        return request_memo.active(), first, again

    active, first, again = await db_threads.in_thread(call)()
    assert active and first == again == 1  # asked once in the call
    assert (await db_threads.in_thread(call)())[1:] == (2, 2)  # and afresh in the next
    assert not request_memo.active()  # nothing kept on the socket's own side


async def test_a_call_sees_the_callers_context_and_its_async_to_sync_runs_on_the_callers_loop():
    """What the socket calls rely on from the thread they run on, now that it is reached
    without asgiref's SyncToAsync: the caller's context (who is acting), and `async_to_sync`
    inside (the voice controls' group_send) sending its coroutine back to the caller's loop,
    where the in-memory channel layer lives, rather than to a loop of its own."""
    from asgiref.sync import async_to_sync

    from contactcenter.events import context

    caller = asyncio.get_running_loop()

    async def where_it_runs():
        return asyncio.get_running_loop()

    def call():
        return context.current().actor, async_to_sync(where_it_runs)()

    with context.acting_as("agent:7"):
        actor, loop = await db_threads.in_thread(call)()
    assert actor == "agent:7"
    assert loop is caller


async def test_a_calls_failure_reaches_its_caller():
    def refuse():
        raise LookupError("refused")

    with pytest.raises(LookupError, match="refused"):
        await db_threads.in_thread(refuse)()
