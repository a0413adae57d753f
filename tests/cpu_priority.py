"""A higher CPU priority for tests whose measure is real time: speech played through the
media path and compared with what was heard. On a loaded machine (the whole suite on two
cores: servers and Chromiums of the other workers) a starved media server or browser falls
behind the 20 ms frames it must keep, the receiving jitter buffer stretches and conceals, and
the waveform no longer matches what was said: the call works, the measure fails. A media
server in production runs with such a priority for the same reason (docs/voice.md).

Linux keeps a priority per thread, and a process started from a thread takes that thread's:
the browsers and the Twilio stream client a test starts inherit it, and the zygote's servers
are given their spawner's (tests/zygote.py), as `subprocess` would give it. Raising one needs
CAP_SYS_NICE (root in CI); where it is not allowed the tests run at the priority they have.

A priority puts a real-time test ahead of the others, not of each other: sorted long first
(tests/conftest.py), the audio tests start together, one a worker. On a slow 2-core machine
four at once starved one another, in the whole suite and in tests/voice/media alone, while
each passed alone: what was heard matched the speech 0 to 17 % (25 % is needed), and a
consult's call dropped. So no more of them run at once, across the workers, than the machine
has cores (`one_a_core`)."""

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.runs import run_id

RAISE_BY = 10


@contextlib.contextmanager
def raised(by: int = RAISE_BY) -> Iterator[bool]:
    """This thread (and what it starts meanwhile) at `by` steps of nice more urgent; yields
    whether that was allowed."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, before - by)
    except PermissionError:
        yield False
        return
    try:
        yield True
    finally:
        os.setpriority(os.PRIO_PROCESS, 0, before)  # back: a lower priority is always allowed


@contextlib.contextmanager
def one_a_core(cores: int | None = None, run: int | None = None) -> Iterator[int]:
    """Wait for one of `cores` places (the machine's cores unless told) that the run's
    processes share, and hold it: yields which. `run`: whose places, by default this test
    run's (tests/runs.py), shared by its xdist workers; without them there is nothing to wait
    for. Each place is a lock on a file, let go by the kernel if its holder dies."""
    cores = cores or os.cpu_count() or 1
    if run is None:
        if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process runs the tests, in turn
            yield 0
            return
        run = run_id()
    places = [_place(run, n) for n in range(cores)]
    while True:
        for n, place in enumerate(places):
            held = place.open("a")
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.close()
                continue
            try:
                yield n
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)
                held.close()
            return
        time.sleep(0.1)


def _place(run: int, n: int) -> Path:
    return Path(tempfile.gettempdir()) / f"real-time-{run}-{n}.lock"


def let_go(run: int) -> None:
    """For the run's controller once its workers are done: the run's places' files go."""
    for place in _place(run, 0).parent.glob(f"real-time-{run}-*.lock"):
        place.unlink(missing_ok=True)
