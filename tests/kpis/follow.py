"""Following the log in tests. On PostgreSQL a follower stops below the oldest transaction
running anywhere on the server (docs/events.md), and other test runs may share the server:
so tests follow until the projection has passed the last event, not until a round reads none.
"""

import time

from contactcenter.events import projections
from contactcenter.events.models import Event, ProjectionCheckpoint
from contactcenter.events.projections import Projector


def catch_up_fully(projector: Projector, batch: int | None = None, timeout: float = 60) -> None:
    last = (
        Event.objects.filter(type__in=projector.handled_types())
        .order_by("-txid", "-position")
        .values_list("position", flat=True)
        .first()
    )
    deadline = time.monotonic() + timeout
    while True:
        # The deadline holds for rounds that read events too: one that reads the same events
        # again and again must fail the test, not hold the run.
        if time.monotonic() > deadline:
            raise AssertionError(f"{projector.name} did not reach event {last}")
        if not projections.catch_up(projector, batch):
            checkpoint = ProjectionCheckpoint.objects.filter(name=projector.name).first()
            if last is None or (checkpoint and checkpoint.position == last):
                return
            time.sleep(0.05)
