"""The bench's own plumbing (bench/harness.py)."""

import os
import platform
import sysconfig
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench import harness


@pytest.mark.postgres
def test_a_runs_dead_rows_are_vacuumed_away_before_the_next_run_measures(transactional_db):
    """Where autovacuum is off (the CI machine's PostgreSQL), each chat bench run left the
    rows it deleted behind, and the next run paid for them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE left_by_a_run (n integer, padding text)")
        cursor.execute(
            "INSERT INTO left_by_a_run SELECT n, repeat('x', 200) FROM generate_series(1, 2000) n"
        )
        cursor.execute("DELETE FROM left_by_a_run")
        cursor.execute("SELECT pg_relation_size('left_by_a_run')")
        assert cursor.fetchone()[0] > 0  # the dead rows' pages

        harness.vacuum()

        cursor.execute("SELECT pg_relation_size('left_by_a_run')")
        assert cursor.fetchone()[0] == 0  # emptied, and given back


@pytest.mark.parametrize(
    ("configured", "said"),
    [
        (
            "'--prefix=/root/.pyenv/versions/3.13.0' '--enable-shared' 'LDFLAGS=-L/x'",
            "configured with --enable-shared; without --enable-optimizations, --with-lto",
        ),
        (
            "'--prefix=/opt/python' '--enable-optimizations' '--with-lto=full'",
            "configured with --enable-optimizations, --with-lto; without --enable-shared",
        ),
        ("", "without --enable-optimizations, --with-lto, --enable-shared"),
    ],
)
def test_a_figure_says_how_its_python_was_built(monkeypatch, configured, said):
    """The same CPython built with and without PGO and LTO ran the servers at different
    speeds (docs/deploy.md): the machine line says which ran."""
    monkeypatch.setattr(sysconfig, "get_config_var", {"CONFIG_ARGS": configured}.get)
    assert harness.interpreter() == f"Python {platform.python_version()} ({said})"


@contextmanager
def a_thread_that_has_slept(times: int) -> Iterator[None]:
    """A thread that has slept `times` times, kept alive until the block ends (an ended
    thread's count is gone with it)."""
    slept, release = threading.Event(), threading.Event()

    def sleeper() -> None:
        for _ in range(times):
            time.sleep(0.001)
        slept.set()
        release.wait()

    thread = threading.Thread(target=sleeper)
    thread.start()
    slept.wait()
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_process_counts_each_wait_of_each_of_its_threads():
    before = harness.context_switches(os.getpid())
    with a_thread_that_has_slept(50):
        waited, preempted = harness.switches_since([before], [os.getpid()])

    # A thread begun since the first reading counts whole: fifty sleeps are fifty waits at
    # least (this thread's own wait adds one or two).
    assert waited >= 50
    assert preempted >= 0


def test_a_thread_that_ended_takes_nothing_off_the_count():
    with a_thread_that_has_slept(50):
        before = harness.context_switches(os.getpid())  # its fifty waits and more

    waited, preempted = harness.switches_since([before], [os.getpid()])

    # Summed over the process, the ended thread's fifty would have come off the count.
    assert waited >= 0 and preempted >= 0
