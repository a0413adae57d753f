"""The catch-up projections' loop: follows the log from each projection's checkpoint."""

from contactcenter.events import projections, store
from contactcenter.workers.loop import Loop


def projection_follower(idle: float = 1.0) -> Loop:
    loop = Loop("projections", projections.catch_up_all, idle)
    store.on_committed(lambda events: loop.wake())
    return loop
