"""The one list of the platform's background loops.

Apps register their loops in `AppConfig.ready()`; `manage.py serve` (the embedded platform)
and `manage.py run_workers` (production worker processes) both start what is registered here,
so a loop added by an app runs in either deployment without either command knowing it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from contactcenter.workers.loop import Health


class Service(Protocol):
    """What a registered factory returns: a `Loop`, or anything shaped like one (the SMTP
    listener is an asyncio server on a thread of its own)."""

    name: str

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def join(self, timeout: float | None = None) -> None: ...
    def is_alive(self) -> bool: ...
    def health(self) -> Health: ...


@dataclass(frozen=True)
class Worker:
    name: str
    # Called with the command's options (`smtp_port`, `host`, `name`); None: nothing to run
    # in this configuration.
    factory: Callable[..., Service | None]
    # False for a service that binds a port of the host (the SMTP listener): it runs inside
    # `serve`, or as a command of its own, but not in every worker process.
    standalone: bool = True
    description: str = ""


_workers: dict[str, Worker] = {}


def register(
    name: str,
    factory: Callable[..., Service | None],
    *,
    standalone: bool = True,
    description: str = "",
) -> None:
    _workers[name] = Worker(name, factory, standalone, description)


def registered() -> list[Worker]:
    return list(_workers.values())


def build(
    kind: str,
    *,
    only: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),
    **options,
) -> list[Service]:
    """The services a process of `kind` ("embedded" or "standalone") runs, not yet started."""
    unknown = (only | exclude) - set(_workers)
    if unknown:
        known = ", ".join(_workers)
        raise ValueError(f"no such loop: {', '.join(sorted(unknown))} (known: {known})")
    services = []
    for worker in _workers.values():
        if kind == "standalone" and not worker.standalone:
            continue
        if (only and worker.name not in only) or worker.name in exclude:
            continue
        service = worker.factory(kind=kind, **options)
        if service is not None:
            services.append(service)
    return services
