"""The platform's idea of "now". Real time in production; tests move it forward (an offer's
timeout, a reopen window) instead of sleeping."""

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone

_offset = timedelta(0)


def now() -> datetime:
    return timezone.now() + _offset


@contextlib.contextmanager
def travel(delta: timedelta) -> Iterator[None]:
    """Everything inside sees the clock `delta` ahead (process-wide: for tests)."""
    global _offset
    _offset += delta
    try:
        yield
    finally:
        _offset -= delta
