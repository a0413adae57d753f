"""The catch-up projections' loop: follows the log from each projection's checkpoint."""

from contactcenter.events import projections
from contactcenter.workers.loop import Loop, woken_by_commits


def projection_follower(idle: float = 1.0) -> Loop:
    return woken_by_commits(Loop("projections", projections.catch_up_all, idle))
