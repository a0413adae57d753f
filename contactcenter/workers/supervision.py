"""One process's loops under supervision: started together, watched, reported, stopped.

- A watchdog thread checks every loop each second. A loop that died, or has failed every
  round for longer than `WORKER_GIVE_UP_SECONDS`, is beyond recovery here: the process is
  told to exit non-zero (`on_fatal`), so whatever supervises it (systemd, Kubernetes, a
  shell loop) starts a fresh one.
- A loop failing (or stuck in one round) for longer than `WORKER_UNHEALTHY_SECONDS` makes
  this process's `/healthz` answer 503.
- Every `HEARTBEAT_SECONDS` the watchdog writes each loop's health to the heartbeat table, so
  `/healthz` of any web process shows the worker processes as well (a failed write is only a
  missed heartbeat: the database may be the thing that is down).
"""

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from contactcenter.workers import registry
from contactcenter.workers.registry import Service

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
# A heartbeat older than this belongs to a process that is gone or cannot reach the database.
STALE_AFTER_SECONDS = 30.0
# Rows of processes silent for this long are removed by the next heartbeat of anyone.
FORGET_AFTER = timedelta(days=1)

PROCESS = f"{socket.gethostname()}:{os.getpid()}"


def unhealthy_after() -> float:
    return float(getattr(settings, "WORKER_UNHEALTHY_SECONDS", 30))


def give_up_after() -> float:
    return float(getattr(settings, "WORKER_GIVE_UP_SECONDS", 300))


def verdict(health) -> str:
    """'' when the loop is well, else why not."""
    if not health.alive:
        return "not running"
    if health.failures and health.failing_for >= unhealthy_after():
        return f"failing for {health.failing_for:.0f} s: {health.last_error}"
    if health.busy_for >= unhealthy_after():
        return f"one round has taken {health.busy_for:.0f} s"
    return ""


class Supervisor:
    def __init__(self, services: list[Service], on_fatal: Callable[[str], None]):
        self.services = services
        self.on_fatal = on_fatal
        self.fatal = ""
        self._stopping = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="watchdog", daemon=True)

    @property
    def names(self) -> list[str]:
        return [service.name for service in self.services]

    def start(self) -> "Supervisor":
        global _current
        for service in self.services:
            service.start()
        _current = self
        self._watchdog.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        global _current
        self._stopping.set()
        for service in self.services:
            service.stop()
        for service in self.services:
            service.join(timeout=timeout)
        self._watchdog.join(timeout=timeout)
        if _current is self:
            _current = None
        with contextlib.suppress(Exception):
            _forget_own_heartbeats()
            connection.close()

    def health(self) -> list[dict]:
        report = []
        for service in self.services:
            health = service.health()
            problem = verdict(health)
            report.append({**health.as_dict(), "healthy": not problem, "problem": problem})
        return report

    def _beyond_recovery(self) -> str:
        for service in self.services:
            health = service.health()
            if not health.alive:
                return f"{service.name} is no longer running"
            if health.failures and health.failing_for >= give_up_after():
                return f"{service.name} has failed every round for {health.failing_for:.0f} s"
        return ""

    def _watch(self) -> None:
        next_beat = 0.0
        while not self._stopping.wait(1.0):
            reason = self._beyond_recovery()
            if reason and not self._stopping.is_set():
                self.fatal = reason
                log.critical("%s; exiting so that the process is restarted", reason)
                self.on_fatal(reason)
                return
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
                self._beat()

    def _beat(self) -> None:
        try:
            close_old_connections()
            _write_heartbeats(self.health())
        except Exception as error:
            log.debug("heartbeat not written: %s", error)
            with contextlib.suppress(Exception):
                connection.close()


_current: Supervisor | None = None


def current() -> Supervisor | None:
    """The supervisor of this process's loops, if it runs any."""
    return _current


def start(kind: str, on_fatal: Callable[[str], None], **options) -> Supervisor:
    return Supervisor(registry.build(kind, **options), on_fatal).start()


def _write_heartbeats(report: list[dict]) -> None:
    from contactcenter.workers.models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.bulk_create(
        [
            Heartbeat(
                process=PROCESS,
                loop=item["name"],
                healthy=item["healthy"],
                health=item,
                reported_at=now,
            )
            for item in report
        ],
        update_conflicts=True,
        unique_fields=["process", "loop"],
        update_fields=["healthy", "health", "reported_at"],
    )
    Heartbeat.objects.filter(reported_at__lt=now - FORGET_AFTER).delete()


def _forget_own_heartbeats() -> None:
    from contactcenter.workers.models import Heartbeat

    Heartbeat.objects.filter(process=PROCESS).delete()


def other_processes() -> list[dict]:
    """The latest heartbeat of each loop in other processes, marked stale when old."""
    from contactcenter.workers.models import Heartbeat

    now = timezone.now()
    rows = Heartbeat.objects.exclude(process=PROCESS)
    return [
        {
            "process": row.process,
            "loop": row.loop,
            "healthy": row.healthy,
            "stale": (now - row.reported_at).total_seconds() > STALE_AFTER_SECONDS,
            "reported_at": row.reported_at.isoformat(),
            "last_success_at": row.health.get("last_success_at"),
            "problem": row.health.get("problem", ""),
        }
        for row in rows
    ]
