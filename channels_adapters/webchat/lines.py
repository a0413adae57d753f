"""Each waiting visitor told their place as their queue's line moves: at most once every
LINE_SECONDS per queue from one process.

A commit that changes a queue's line (audience.LINE_CHANGES) marks the queue (`moved`); once
that commit's own frames are on their way (`released`, after push.publish has sent them, so
a visitor's place never overtakes the frame that put them in line), a loop of this process
reads the line once and pushes every visitor in it their place; their socket passes on only
a place that changed. The first change is told at once; changes within LINE_SECONDS of a
telling are told together at its end. Each change used to read the line and push every
visitor in it their place: with hundreds waiting and an answer every few tens of
milliseconds, thousands of frames a second that told most of them what they knew (issue 18).

The loop (contactcenter.workers.Loop) outlives a database outage: a telling that fails
leaves its queue marked and is tried again after the loop's backoff. With nothing left to
tell it stops, and the next change starts another: a process whose lines stand still holds
no thread and no connection for them.
"""

import threading
import time
from collections.abc import Iterable

from django.db import connection

from channels_adapters.webchat import visitor as visitors
from contactcenter import clock, groups, push
from contactcenter.workers.loop import Loop
from routing import waiting

LINE_SECONDS = 0.25

_lock = threading.Lock()
_due: dict[int, float] = {}  # queue -> when (monotonic) its line is to be told
_told: dict[int, float] = {}  # queue -> when its line was last read to be told
_telling = 0  # lines being told now
_marked = threading.local()  # queues a publish on this thread marked, not yet released
_loop: Loop | None = None


def moved(queue_ids: Iterable[int]) -> None:
    """These queues' lines changed in the commit being published on this thread."""
    pending = getattr(_marked, "queues", None)
    if pending is None:
        pending = _marked.queues = set()
    pending.update(queue_ids)


def released() -> None:
    """This thread's publish has sent its frames: its marked lines may be told."""
    pending = getattr(_marked, "queues", None)
    if not pending:
        return
    _marked.queues = set()
    now = time.monotonic()
    with _lock:
        for queue_id in pending:
            if queue_id not in _due:
                _due[queue_id] = max(now, _told.get(queue_id, float("-inf")) + LINE_SECONDS)
    _wake()


def quiet(timeout: float = 10.0) -> bool:
    """Wait until every line marked so far is told (tests, a measured phase)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _due and not _telling:
                return True
        time.sleep(0.005)
    return False


def stop(timeout: float = 5.0) -> None:
    """Tell nothing more and end the loop (a process shutting down, a test session's end,
    before its database goes)."""
    with _lock:
        _due.clear()
        loop = _loop
    if loop is not None:
        loop.stop()
        loop.join(timeout)


def running() -> bool:
    """Whether this process has a loop telling lines now."""
    return _loop is not None and _loop.is_alive()


def _wake() -> None:
    global _loop
    with _lock:
        if _loop is None or not _loop.is_alive() or _loop.stopping:
            _loop = Loop("queue-lines", _tell_due, idle=_seconds_until_due)
            _loop.start()
            return
        _loop.wake()


def _tell_due() -> int:
    """One round: tell the lines that are due. A line that changes while it is read is
    marked again, so that change is told too."""
    global _telling
    now = time.monotonic()
    with _lock:
        due = [queue_id for queue_id, at in _due.items() if at <= now]
        for queue_id in due:
            del _due[queue_id]
            _told[queue_id] = now
        _telling += len(due)
        idle = not _due and not due
        if idle and _loop is not None and _loop.ident == threading.get_ident():
            _loop.stop()  # nothing to tell: the next change starts a loop again
    if idle:
        connection.close()  # and a thread gone holds no connection
        return 0
    try:
        for n, queue_id in enumerate(due):
            try:
                _tell(queue_id)
            except Exception:
                with _lock:  # this one and those not reached: again after the backoff
                    for again in due[n:]:
                        _due.setdefault(again, now)
                raise
    finally:
        with _lock:
            _telling -= len(due)
    return len(due)  # the next round at once: it waits for what is due, or stops


def _tell(queue_id: int) -> None:
    messages = {}
    for chat, standing in waiting.places(queue_id, clock.now(), channel="webchat"):
        if chat.threading_key:
            frame = {"type": "queue_position", **visitors.place_in_line(standing)}
            group = groups.visitor(chat.channel_key, chat.threading_key)
            messages[group] = {"type": "push.frames", "frames": [frame]}
    if messages:
        push.send(messages)


def _seconds_until_due() -> float:
    """Until the next line is due; none: at once, for the round that stops the loop."""
    with _lock:
        return max(0.0, min(_due.values(), default=0.0) - time.monotonic())
