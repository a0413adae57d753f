"""The real-time tests' places (tests/cpu_priority.py): across the run's workers, no more of
them at once than there are places. A lock on a file is the open file's, so two threads here
stand for two workers; the places are a run's of their own, apart from this test run's."""

import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from tests import cpu_priority


@pytest.fixture
def a_run():
    run = uuid.uuid4().int % 10**12  # not a process of this machine's: nobody else's places
    yield run
    cpu_priority.let_go(run)


def worker(run: int, places: int, entered: threading.Event, done: threading.Event):
    def hold() -> None:
        with cpu_priority.one_a_core(places, run=run):
            entered.set()
            done.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def test_a_real_time_test_waits_while_every_place_is_taken(a_run):
    first_in, first_done = threading.Event(), threading.Event()
    second_in, second_done = threading.Event(), threading.Event()
    first = worker(a_run, 1, first_in, first_done)
    assert first_in.wait(10)

    second = worker(a_run, 1, second_in, second_done)
    assert not second_in.wait(1), "a second test took the only place while the first held it"

    first_done.set()
    assert second_in.wait(10), "the place, let go, went to the test waiting for it"
    second_done.set()
    first.join(10)
    second.join(10)


def test_as_many_run_at_once_as_there_are_places(a_run):
    entered = [threading.Event(), threading.Event()]
    done = threading.Event()
    threads = [worker(a_run, 2, event, done) for event in entered]

    assert all(event.wait(10) for event in entered)
    done.set()
    for thread in threads:
        thread.join(10)


def test_without_workers_a_test_takes_no_place(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    inside = threading.Event()

    def two_at_once() -> None:  # one process runs its tests one at a time: nothing to wait for
        with cpu_priority.one_a_core(1), cpu_priority.one_a_core(1):
            inside.set()

    threading.Thread(target=two_at_once, daemon=True).start()
    assert inside.wait(10), "without workers, a test waited for a place"


def test_the_runs_places_go_once_it_is_done(a_run):
    with cpu_priority.one_a_core(2, run=a_run):
        pass
    places = sorted(Path(tempfile.gettempdir()).glob(f"real-time-{a_run}-*.lock"))
    assert places, "a place is a file, named by the run"

    cpu_priority.let_go(a_run)

    assert not any(place.exists() for place in places)
