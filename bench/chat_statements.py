"""What a chat asks of PostgreSQL at a rate, counted by PostgreSQL itself.

With BENCH_STATEMENTS=1, `python -m bench chat_latency` empties pg_stat_statements as each
rate's window opens and reads it as the window closes: the statements the servers ran, each
with its calls and PostgreSQL's time executing it per chat, into
var/profiles/chat-statements-<servers>x<rate>.txt, and a line per rate of how many a chat took
and how long they ran. The statement budget
(tests/performance/test_chat_query_budget.py) counts one chat's calls in one process; this
counts what the servers did over their sockets at a rate, where a difference between the two
is a cost the budget cannot see (a socket's call that kept no answers asked each question
again: found so, issue 18).

PostgreSQL counts only with the extension preloaded (`shared_preload_libraries =
pg_stat_statements`), which a shared server rarely has: docs/benchmarks.md shows a throwaway
one for BENCH_DATABASE_URL. Without it the bench says why and counts nothing.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ON = os.environ.get("BENCH_STATEMENTS") == "1"
PROFILES = Path(__file__).resolve().parent.parent / "var" / "profiles"
# Statements a transaction brackets others with: counted apart, not as work.
BRACKETS = ("BEGIN", "COMMIT", "ROLLBACK")


@dataclass
class Counted:
    """One window's statements: (calls, top level, milliseconds executing, the statement)
    each; `unavailable` says why there are none. A top-level statement's time includes that
    of the statements its triggers ran."""

    rows: list[tuple[int, bool, float, str]] = field(default_factory=list)
    unavailable: str = ""

    def per_chat(self, chats: int) -> dict[str, float]:
        """Calls per chat: those the servers sent, of them the transactions' brackets, and
        those triggers ran inside them; and the milliseconds the sent ones ran."""
        chats = max(1, chats)
        sent = sum(calls for calls, top, _, _ in self.rows if top)
        brackets = sum(
            calls for calls, top, _, sql in self.rows if top and sql.upper().startswith(BRACKETS)
        )
        nested = sum(calls for calls, top, _, _ in self.rows if not top)
        ms = sum(ms for _, top, ms, _ in self.rows if top)
        return {
            "sent": sent / chats,
            "brackets": brackets / chats,
            "nested": nested / chats,
            "ms": ms / chats,
        }

    def summary(self, chats: int) -> str:
        if self.unavailable:
            return f"  statements: not counted ({self.unavailable})"
        n = self.per_chat(chats)
        return (
            f"  statements a chat: {n['sent']:.1f} sent by the servers ({n['brackets']:.1f} "
            f"of them BEGIN/COMMIT), and {n['nested']:.1f} run by triggers; PostgreSQL "
            f"executed them in {n['ms']:.2f} ms"
        )

    def listing(self, chats: int) -> str:
        chats = max(1, chats)
        lines = ["calls/chat  ms/chat  top  statement"]
        for calls, top, ms, sql in sorted(self.rows, key=lambda row: -row[0]):
            where = "yes" if top else "no"
            lines.append(
                f"{calls / chats:10.2f}  {ms / chats:7.3f}  {where:3s}  {' '.join(sql.split())}"
            )
        return "\n".join(lines) + "\n"


@contextmanager
def counting(url: str, tag: str):
    """Count the block's statements on the database at `url` (a superuser's, the bench's);
    yields the Counted, filled in as the block ends."""
    counted = Counted()
    if not ON:
        counted.unavailable = "BENCH_STATEMENTS is not 1"
        yield counted
        return
    import psycopg

    from bench import harness

    dsn = harness.psycopg_dsn(url)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            conn.execute("SELECT pg_stat_statements_reset()")
    except psycopg.Error as error:
        counted.unavailable = f"pg_stat_statements: {str(error).splitlines()[0]}"
        yield counted
        return
    try:
        yield counted
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            counted.rows = [
                (calls, top, ms, query)
                for calls, top, ms, query in conn.execute(
                    "SELECT calls, toplevel, total_exec_time, query FROM pg_stat_statements "
                    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    " AND query NOT LIKE '%pg_stat_statements%'"
                ).fetchall()
            ]


def write(counted: Counted, chats: int, tag: str) -> Path | None:
    if counted.unavailable:
        return None
    PROFILES.mkdir(parents=True, exist_ok=True)
    path = PROFILES / f"chat-statements-{tag}.txt"
    path.write_text(counted.listing(chats))
    return path
