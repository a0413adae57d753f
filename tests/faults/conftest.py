"""The fault tests measure in real time too: no interaction waits past the offer timeout once
the platform has recovered, a silent console is dropped within 20 s, a request during an
outage is answered at once. They run at the audio tests' higher CPU priority (tests/
cpu_priority.py), with the PostgreSQL, Redis, servers and workers they start, for the same
reason: on a loaded 2-core machine a starved deployment still recovers, late."""

import pytest

from tests import cpu_priority


@pytest.fixture(autouse=True, scope="module")
def real_time():
    """Module-wide: a module's deployment is made once, before its tests."""
    with cpu_priority.raised():
        yield
