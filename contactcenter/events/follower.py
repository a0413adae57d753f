"""Following the log from a checkpoint: the one way the platform's followers read it.

A follower keeps the position of the last event it handled (its checkpoint) and asks for the
next batch after it, in log order — gap-free, so an event committed late by a slow writer is
never stepped over (see store.py). The catch-up projections, the outbox and every outgoing
webhook subscription follow the log this way; they differ only in where the checkpoint lives
and what a batch does:

- `follow_named(name, handle)`: a checkpoint row of the `ProjectionCheckpoint` table, locked
  for the batch, so two processes never handle one batch; the batch's work and the new
  position commit together (catch-up projections, the outbox's collector);
- `follow(checkpoint, handle)`: any other `Checkpoint` (a webhook subscription holds its own
  position, under a lease, and posts over HTTP outside any transaction).
"""

from collections.abc import Callable, Sequence
from typing import Protocol

from django.db import transaction

from contactcenter.events import row_statements, store
from contactcenter.events.models import ProjectionCheckpoint
from contactcenter.events.store import RecordedEvent

# The batch handled: returns the position handled up to (None: all of it), which may stop
# short (a webhook receiver that failed halfway).
Handler = Callable[[list[RecordedEvent]], int | None]


class Checkpoint(Protocol):
    @property
    def position(self) -> int: ...

    def advance(self, position: int) -> None: ...


def follow(
    checkpoint: Checkpoint,
    handle: Handler,
    *,
    types: Sequence[str] | None = None,
    batch: int = 500,
    opened: bool = True,
) -> int:
    """Handle the next batch after `checkpoint` and move it on; returns events read. Unless
    `opened`, the events' sealed fields stay sealed (store.read_all)."""
    events = store.read_all(checkpoint.position, batch, types=types, opened=opened)
    if not events:
        return 0
    upto = handle(events)
    checkpoint.advance(events[-1].position if upto is None else upto)
    return len(events)


class _Named:
    def __init__(self, row: ProjectionCheckpoint):
        self.row = row

    @property
    def position(self) -> int:
        return self.row.position

    def advance(self, position: int) -> None:
        self.row.position = position
        self.row.save(update_fields=["position", "updated_at"])


def follow_named(
    name: str,
    handle: Handler,
    *,
    types: Sequence[str] | None = None,
    batch: int = 500,
    opened: bool = True,
) -> int:
    """`follow` with the checkpoint row `name`, locked, in one transaction with the batch."""
    with transaction.atomic():
        # Read locked in SQL made once: each worker asks this of every named follower it runs
        # (the catch-up projections, the outbox, the surveys) at every round, most rounds
        # finding nothing new, and Django's get_or_create and locked get, built and compiled
        # each time, were two thirds of such a round (issue 18). Made the first time only.
        rows = row_statements.where(ProjectionCheckpoint, name=name, lock=True)
        if not rows:
            ProjectionCheckpoint.objects.get_or_create(name=name)
            rows = row_statements.where(ProjectionCheckpoint, name=name, lock=True)
        return follow(_Named(rows[0]), handle, types=types, batch=batch, opened=opened)
