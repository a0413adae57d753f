"""The catch-up projections' loop: follows the log from each projection's checkpoint."""

from django.conf import settings

from contactcenter.events import projections, store
from contactcenter.workers.loop import Loop


def projection_follower(idle: float = 1.0) -> Loop:
    loop = Loop("projections", projections.catch_up_all, idle, gather=settings.WAKE_GATHER_SECONDS)
    store.on_committed(lambda events: loop.wake())
    return loop
