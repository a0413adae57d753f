"""Background loops: catch-up projections, and whatever else apps register (the router, the
SMTP listener). `run_router`-style commands run them as processes of their own; the embedded
server (`manage.py serve`) runs them as threads beside Daphne."""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

from contactcenter.events import projections, store

log = logging.getLogger(__name__)


class Loop(threading.Thread):
    """Calls `step()` until stopped; waits `idle` seconds (or a wake-up) when it did nothing.

    A step that raises is logged and retried after a pause: one bad round must not end the
    loop. Database connections are closed between rounds, as long-running commands should.
    """

    def __init__(self, name: str, step: Callable[[], int], idle: float | Callable[[], float] = 1.0):
        super().__init__(name=name, daemon=True)
        self.step = step
        self._idle = idle
        self._stopping = threading.Event()
        self._wake = threading.Event()

    @property
    def idle(self) -> float:
        return self._idle() if callable(self._idle) else self._idle

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        log.info("%s started", self.name)
        while not self._stopping.is_set():
            close_old_connections()
            try:
                done = self.step()
            except Exception:
                log.exception("%s: a round failed; retrying shortly", self.name)
                done = 0
                self._stopping.wait(self.idle)
            if not done:
                self._wake.wait(max(0.0, self.idle))
                self._wake.clear()
        connection.close()
        log.info("%s stopped", self.name)


def projection_follower(idle: float = 1.0) -> Loop:
    loop = Loop("projections", projections.catch_up_all, idle)
    store.on_committed(lambda events: loop.wake())
    return loop


def _outbox(**options) -> Loop:
    from contactcenter.outbox import outbox_loop

    return outbox_loop()


# Factories of the loops an embedded server runs, registered by apps (routing, email).
_embedded: list[Callable[..., Loop | None]] = [lambda **options: projection_follower(), _outbox]


def embed(factory: Callable[..., Loop | None]) -> None:
    _embedded.append(factory)


def start_embedded(**options) -> list[Loop]:
    loops = [loop for factory in _embedded if (loop := factory(**options)) is not None]
    for loop in loops:
        loop.start()
    return loops
