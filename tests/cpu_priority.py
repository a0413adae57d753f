"""A higher CPU priority for tests whose measure is real time: speech played through the
media path and compared with what was heard. On a loaded machine (the whole suite on two
cores: servers and Chromiums of the other workers) a starved media server or browser falls
behind the 20 ms frames it must keep, the receiving jitter buffer stretches and conceals, and
the waveform no longer matches what was said: the call works, the measure fails. A media
server in production runs with such a priority for the same reason (docs/voice.md).

Linux keeps a priority per thread, and a process started from a thread takes that thread's:
the browsers and the Twilio stream client a test starts inherit it, and the zygote's servers
are given their spawner's (tests/zygote.py), as `subprocess` would give it. Raising one needs
CAP_SYS_NICE (root in CI); where it is not allowed the tests run at the priority they have."""

import contextlib
import os
from collections.abc import Iterator

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
