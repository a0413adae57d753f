"""Database work from async consumers.

Channels' `database_sync_to_async` runs every call on one shared thread, which serialises all
database work of a server process: with hundreds of consoles connected, one slow snapshot
holds every other socket up. Our consumers' calls are independent transactions, so they run
on the executor's threads instead, each with its own connection (and old connections closed
around each call, as Channels does)."""

from channels.db import DatabaseSyncToAsync


def in_thread(function):
    return DatabaseSyncToAsync(function, thread_sensitive=False)
