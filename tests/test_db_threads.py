"""A socket's database call is one request for what request_memo keeps: the console's view
and the visitor's message ask the same small questions from several places, and answer them
once a call (contactcenter/db_threads.py)."""

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
