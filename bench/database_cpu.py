"""PostgreSQL's own CPU for what the servers asked of it, beside the servers' CPU.

Issue 18's measure is the servers' CPU (the Daphnes and the router), but PostgreSQL's backends
run on the same two cores, and a chat's latency waits on them too: a statement's parse and
plan, its triggers, its commit. What a change saves there (statements prepared once, a
round trip fewer, work moved out of SQL or into it) shows here and in no other figure.

The backends are those PostgreSQL lists for the bench's database (`pg_stat_activity`), read
in /proc like the servers: only where PostgreSQL runs on this machine and its processes can
be read; elsewhere the bench says why and goes on. A backend that ends inside a window takes
its CPU with it, uncounted; the servers' pooled connections stay open through a run, and a
backend that starts inside one is counted whole, its connection's start included.
"""

from urllib.parse import urlsplit

from bench import harness

LOCAL = {"", "127.0.0.1", "::1", "localhost"}


class Backends:
    """The backends of one database, sampled; `unavailable` says why they cannot be."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.unavailable = ""
        self._conn = None

    def __enter__(self) -> "Backends":
        import psycopg

        if (urlsplit(self.url).hostname or "") not in LOCAL:
            self.unavailable = "PostgreSQL runs on another machine"
            return self
        try:
            self._conn = psycopg.connect(harness.psycopg_dsn(self.url), autocommit=True)
        except psycopg.Error as error:
            self.unavailable = f"cannot connect: {error}".strip()
        return self

    def __exit__(self, *exc) -> None:
        if self._conn is not None:
            self._conn.close()

    def sample(self) -> dict[int, float]:
        """CPU seconds so far of each backend serving the database (not this sampler's own)."""
        if self._conn is None or self.unavailable:
            return {}
        rows = self._conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        cpu = {}
        for (pid,) in rows:
            try:
                cpu[pid] = harness.cpu_seconds(pid)
            except OSError:  # it ended since PostgreSQL listed it
                continue
        if rows and not cpu:
            self.unavailable = "PostgreSQL's processes cannot be read here (another container?)"
        return cpu


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds the backends used between two samples: a backend new in `after` counts
    whole, one gone from it counts nothing."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
