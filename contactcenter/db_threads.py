"""Database work from async consumers.

Channels' `database_sync_to_async` runs every call on one shared thread, which serialises all
database work of a server process: with hundreds of consoles connected, one slow snapshot
holds every other socket up. Our consumers' calls are independent transactions, so they run
on a pool of threads instead, each with its own connection (and old connections closed
around each call, as Channels does). The pool is as large as the database connection pool:
the calls mostly wait on the database, and asyncio's default executor (CPU count + 4 threads)
queues them behind each other long before the database is busy.
"""

from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync
from django.conf import settings

from contactcenter.request_memo import one_request

_executor: ThreadPoolExecutor | None = None


def executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=settings.DATABASE_THREADS, thread_name_prefix="database"
        )
    return _executor


class _OneRequest(DatabaseSyncToAsync):
    """Each call is one request for what request_memo keeps."""

    def thread_handler(self, loop, *args, **kwargs):
        with one_request():
            return super().thread_handler(loop, *args, **kwargs)


def in_thread(function):
    return _OneRequest(function, thread_sensitive=False, executor=executor())


def shutdown() -> None:
    """Stop the threads (their connections go with them); the next call starts new ones."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=True)
        _executor = None
