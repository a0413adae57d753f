"""Database work from async consumers.

Channels' `database_sync_to_async` runs every call on one shared thread, which serialises all
database work of a server process: with hundreds of consoles connected, one slow snapshot
holds every other socket up. Our consumers' calls are independent transactions, so they run
on a pool of threads instead, each with its own connection (and old connections closed
around each call, as Channels does). The pool is as large as the database connection pool:
the calls mostly wait on the database, and asyncio's default executor (CPU count + 4 threads)
queues them behind each other long before the database is busy.
"""

import functools
from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync
from django.conf import settings

from contactcenter.request_memo import one_request


class Threads:
    """A pool of DATABASE_THREADS threads named `name`_N, started on first use."""

    started: list["Threads"] = []

    def __init__(self, name: str) -> None:
        self.name = name
        self._executor: ThreadPoolExecutor | None = None

    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=settings.DATABASE_THREADS, thread_name_prefix=self.name
            )
            Threads.started.append(self)
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


_sockets = Threads("database")


def executor() -> ThreadPoolExecutor:
    return _sockets.executor()


def in_thread(function):
    """`function` as a coroutine run on the pool, each call one request for what
    request_memo keeps."""
    return DatabaseSyncToAsync(_one_request(function), thread_sensitive=False, executor=executor())


def _one_request(function):
    # Inside the function, not around asgiref's thread handler: the handler runs the
    # function in a copy of the caller's context, where a memo the handler's own context
    # held was not seen, and every socket call asked its questions again (issue 18).
    @functools.wraps(function)
    def as_one_request(*args, **kwargs):
        with one_request():
            return function(*args, **kwargs)

    return as_one_request


def shutdown() -> None:
    """Stop the threads of every pool (their connections go with them); the next call
    starts new ones."""
    while Threads.started:
        Threads.started.pop().shutdown()
