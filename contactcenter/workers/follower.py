"""The catch-up projections' loop: follows the log from each projection's checkpoint.

A catch-up round costs tens of milliseconds whatever its batch (the KPI projection writes in
bulk: a temporary table, COPY, a merge), so the loop takes what was committed in a second in
one round, not every commit in a round of its own: it goes again at once only when a
projection read a full batch (a backlog), and under a stream of commits begins a round at
most every CATCH_UP_GATHER_SECONDS. After a quiet spell a commit is followed at once. At 20
chats a second this loop had taken half a core (docs/benchmarks.md, issue 18); a
wallboard's figures are now at most a second or so behind the log.
"""

from contactcenter.events import projections
from contactcenter.workers.loop import Loop, woken_by_commits

CATCH_UP_GATHER_SECONDS = 1.0


def catch_up_round() -> int:
    """One round of every catch-up projection; how many of them read a full batch (and may
    have more waiting)."""
    return sum(
        projections.catch_up(projector) >= projector.catch_up_batch
        for projector in projections.all_projectors().values()
        if projector.catch_up
    )


def projection_follower(idle: float = 1.0) -> Loop:
    loop = woken_by_commits(Loop("projections", catch_up_round, idle))
    loop.gather = max(loop.gather, CATCH_UP_GATHER_SECONDS)
    return loop
