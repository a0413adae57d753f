"""After a chat run, with its servers stopped: the run's event log, replayed, arrives at the
rows the servers wrote (issue 18: no correctness traded for speed).

Two Daphnes and a router appended to the log at 20 chats a second, concurrently, each
updating the projections in its appending transaction. `rebuild_projections --compare`
reads every projection's rows, rebuilds them all from position 0 and names the rows that
changed (contactcenter/events/drift.py). None may.
"""

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Rebuilt:
    ok: bool
    events: int
    said: str  # the command's last line: how many rows compared, or how many differed

    def __str__(self) -> str:
        return f"{self.events} events; {self.said}"


def compare() -> Rebuilt:
    """Rebuild every projection from the log (the bench's database, Django set up on it) and
    compare; the drifted rows, if any, are printed."""
    from django.core.management import CommandError, call_command

    from contactcenter.events import store

    out, events = io.StringIO(), store.count()
    try:
        call_command("rebuild_projections", "--compare", verbosity=0, stdout=out)
    except CommandError as error:
        print(out.getvalue(), end="", flush=True)  # the rows that differed
        return Rebuilt(False, events, str(error))
    return Rebuilt(True, events, out.getvalue().strip().splitlines()[-1])
