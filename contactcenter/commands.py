"""The command layer's transaction: every write of the platform goes through `@command`.

A command loads what it needs, lets the domain decide, appends the events (which updates the
inline projections) and returns. `@command` runs it in one transaction (REPEATABLE READ on
PostgreSQL, the reason is in contactcenter/events/store.py) and retries it from the top when a
concurrent writer got there first. Pushes go out only after the commit.
"""

import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable, Iterator

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from contactcenter import request_memo
from contactcenter.events import store
from contactcenter.events.store import ConcurrencyError, DuplicateAppend
from contactcenter.prepared_statements import is_stale_plan

# Jitter from a generator of its own: a background thread drawing from the `random` module
# changes what a seeded run (a test, a simulation) draws meanwhile.
_jitter = random.Random()

log = logging.getLogger(__name__)

# How long a command keeps retrying a conflict before the caller hears of it, and the
# bounds of the pause between attempts (full jitter: a random pause up to a cap that doubles
# each time, so writers that collided once spread out instead of colliding again in step).
RETRY_BUDGET_SECONDS = 10.0
FIRST_PAUSE_SECONDS = 0.002
LONGEST_PAUSE_SECONDS = 0.25
# serialization_failure, deadlock_detected
RETRYABLE_SQLSTATES = {"40001", "40P01"}


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, ConcurrencyError | DuplicateAppend | IntegrityError):
        return True
    if isinstance(error, DatabaseError):
        cause = error.__cause__
        if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        if is_stale_plan(cause):  # the rollback made psycopg forget it: planned afresh
            return True
        return "database is locked" in str(error)
    return False


@contextlib.contextmanager
def repeatable_read() -> Iterator[None]:
    """On PostgreSQL, the transaction begun inside is REPEATABLE READ: psycopg says so in its
    BEGIN, which spares a SET TRANSACTION round trip. Only around a transaction it begins:
    inside another (an atomic block, a test's), the level could not be put back until that
    one ended, and the connection went on at REPEATABLE READ for whoever used it next, the
    pool's other users included (a test that needs READ COMMITTED failed now and then)."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("repeatable_read() begins its transaction; it is inside another")
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.isolation_level
    raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        yield
    finally:
        # A broken connection refuses; it is discarded rather than reused.
        with contextlib.suppress(psycopg.Error):
            raw.isolation_level = previous


def retry_budget() -> float:
    return float(getattr(settings, "COMMAND_RETRY_SECONDS", RETRY_BUDGET_SECONDS))


def pause_before(attempt: int) -> float:
    """A random pause before attempt `attempt` + 1 (full jitter, capped)."""
    return _jitter.uniform(0, min(LONGEST_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2**attempt))


def command[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` as one transaction, retried from the top on a concurrency conflict (a version
    clash, a serialization failure, a deadlock) with jittered backoff until the retry budget
    is spent; nested calls join the caller's transaction (and its retry)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return fn(*args, **kwargs)
        deadline = time.monotonic() + retry_budget()
        attempt = 0
        while True:
            attempt += 1
            try:
                with repeatable_read(), transaction.atomic(), store.retried_as_a_whole():
                    return fn(*args, **kwargs)
            except Exception as error:
                pause = pause_before(attempt)
                if not is_retryable(error) or time.monotonic() + pause > deadline:
                    raise
                log.debug("retrying %s after %s (attempt %d)", fn.__qualname__, error, attempt)
                time.sleep(pause)
            finally:
                # A write (or a retried one) may change what the request's small questions
                # answered before it.
                request_memo.forget()

    return run
