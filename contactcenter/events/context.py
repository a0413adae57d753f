"""Who and what caused the events being appended: actor, correlation and causation.

The shell (a view, a consumer, a webhook, the router) opens a context; every append inside it
records the context as the events' metadata, so the log answers "who did this, and why".
"""

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class EventContext:
    actor: str = "system"
    correlation_id: str = ""
    causation_id: str = ""

    def as_metadata(self) -> dict[str, str]:
        return {
            "actor": self.actor,
            "correlation_id": self.correlation_id or str(uuid.uuid4()),
            "causation_id": self.causation_id,
        }


# EventContext is frozen, so sharing the default instance is safe.
_current: ContextVar[EventContext] = ContextVar("event_context", default=EventContext())  # noqa: B039


def current() -> EventContext:
    return _current.get()


@contextlib.contextmanager
def acting_as(
    actor: str, *, correlation_id: str | None = None, causation_id: str | None = None
) -> Iterator[EventContext]:
    """Events appended inside are attributed to `actor` (e.g. "agent:7", "provider:twilio")."""
    parent = _current.get()
    ctx = replace(
        parent,
        actor=actor,
        correlation_id=correlation_id or parent.correlation_id or str(uuid.uuid4()),
        causation_id=causation_id if causation_id is not None else parent.causation_id,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def agent_actor(user_id: int) -> str:
    return f"agent:{user_id}"
