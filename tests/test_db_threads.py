"""A socket's database call is one request for what request_memo keeps: the console's view
and the visitor's message ask the same small questions from several places, and answer them
once a call; and a server process makes two such calls at a time (contactcenter/db_threads.py)."""

import asyncio
import threading
import time

import pytest
from django.conf import settings

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


async def test_a_burst_of_socket_calls_runs_two_at_a_time_in_the_order_made():
    """A server process is one core's worth of Python: two calls in flight keep it busy
    while one waits on PostgreSQL, where twenty side by side fought for the GIL and the
    cores (issue 18). The rest wait their turn, in order."""
    lock = threading.Lock()
    running, most, started = [0], [0], []

    def call(n: int) -> None:
        with lock:
            started.append(n)
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.1)  # as a call waiting on the database
        with lock:
            running[0] -= 1

    await asyncio.gather(*(db_threads.in_thread(call)(n) for n in range(6)))
    assert most[0] == 2
    # Taken in the order made; two taken together may note their start either way round.
    assert all(abs(started.index(n) - n) <= 1 for n in range(6)), started


def test_requests_keep_threads_of_their_own_as_many_as_the_connections():
    """A sync view may wait long on its thread (the event feed's long poll), so HTTP
    requests keep a pool of their own as large as the database's: five at once all run."""
    from contactcenter import request_thread

    together = threading.Barrier(5)
    executor = request_thread._requests.executor()
    waits = [executor.submit(together.wait, 10) for _ in range(5)]
    assert sorted(w.result(timeout=20) for w in waits) == [0, 1, 2, 3, 4]
    assert settings.REQUEST_THREADS >= 5


async def test_screens_read_in_a_lane_of_their_own_so_a_reconnect_storm_holds_up_no_message():
    """A hundred consoles reconnecting after a deploy each read a snapshot: they queue
    behind each other in the screens' lane, and a chat's message goes by in the sockets'."""
    release = threading.Event()
    reading = threading.Semaphore(0)

    def snapshot() -> None:
        reading.release()
        release.wait(timeout=10)

    snapshots = [asyncio.ensure_future(db_threads.for_screens(snapshot)()) for _ in range(5)]
    try:
        for _ in range(2):  # the lane's two threads are both busy, three more wait
            assert await asyncio.to_thread(reading.acquire, timeout=10)
        message = await asyncio.wait_for(db_threads.in_thread(threading.get_ident)(), 10)
        assert message and not any(s.done() for s in snapshots)
    finally:
        release.set()
        await asyncio.gather(*snapshots)
