"""Database work from async consumers.

Channels' `database_sync_to_async` runs every call on one shared thread, which serialises all
database work of a server process: with hundreds of consoles connected, one slow snapshot
holds every other socket up. Our consumers' calls are independent transactions, so they run
on threads of ours instead, each with its own connection (and old connections closed around
each call, as Channels does), in two lanes of DATABASE_THREADS threads (2 unless set):

- a socket's calls: a chat's messages, an offer opened and accepted, an agent's actions;
- reads of a whole screen, a console's snapshot as it connects and a wallboard's: a hundred
  consoles reconnecting after a deploy queue behind each other there, not a chat's
  messages behind them.

Two threads a lane, because a server process runs one event loop under one GIL: one core's
worth of Python. Two calls in flight keep it busy while one of them waits on PostgreSQL.
With twenty (the database pool's size, before), a burst of calls ran side by side and fought
for the GIL and the cores: at 20 chats/s on the 2-core machine the servers spent more CPU a
chat, PostgreSQL more, and a message's p99 was longer (docs/benchmarks.md, "Two database
threads a server", issue 18). Calls beyond a lane's threads wait their turn, in order.
"""

import asyncio
import contextvars
import functools
import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections

from contactcenter.request_memo import one_request


class Threads:
    """A pool of threads named `name`_N, as many as the setting `size` says, started on
    first use."""

    started: list["Threads"] = []

    def __init__(self, name: str, size: str) -> None:
        self.name = name
        self.size = size
        self._executor: ThreadPoolExecutor | None = None

    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=getattr(settings, self.size), thread_name_prefix=self.name
            )
            Threads.started.append(self)
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


_sockets = Threads("database", "DATABASE_THREADS")
_screens = Threads("screens", "DATABASE_THREADS")


def in_thread(function, *, lane: Threads = _sockets):
    """`function` as a coroutine run in `lane` (a socket's calls unless told): one request
    for what request_memo keeps, in a copy of the caller's context variables, with the
    thread's old database connections closed around it (as Channels'
    `database_sync_to_async` closes them).

    Not through asgiref's `SyncToAsync`, which Channels' is: it also copies the context
    variables the function changed back to the caller, runs the call in a shielded task of
    its own, and re-homes asgiref's Locals. That cost 40-70 µs of CPU a call on the 2-core
    machine (a call that does nothing: 122-144 µs against 89 here), and a chat makes about a
    dozen (docs/benchmarks.md, issue 18). Our functions change no context variable the caller
    reads (the memo and the event context are set and reset inside), and a cancelled caller
    abandons the call's result as it did under asgiref. What `async_to_sync` inside needs,
    the caller's loop to run on (the in-memory channel layer lives there), is told as asgiref
    tells it."""

    @functools.wraps(function)
    async def call(*args, **kwargs):
        loop = asyncio.get_running_loop()
        run = functools.partial(_one_call, loop, function, args, kwargs)
        return await loop.run_in_executor(lane.executor(), contextvars.copy_context().run, run)

    return call


def for_screens(function):
    """`function`, a read of a whole screen, as a coroutine run in the screens' lane."""
    return in_thread(function, lane=_screens)


def _one_call(loop: asyncio.AbstractEventLoop, function, args, kwargs):
    SyncToAsync.threadlocal.main_event_loop = loop
    SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
    close_old_connections()
    try:
        with one_request():
            return function(*args, **kwargs)
    finally:
        close_old_connections()


def shutdown() -> None:
    """Stop the threads of every pool (their connections go with them); the next call
    starts new ones."""
    while Threads.started:
        Threads.started.pop().shutdown()
