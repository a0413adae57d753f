"""How `BENCH_STATEMENTS=1 python -m bench chat_latency` tells what a chat asked of
PostgreSQL (bench/chat_statements.py): the statements the servers sent apart from those
triggers ran, per chat; and, where pg_stat_statements is not preloaded, why nothing was
counted rather than a failed run."""

import pytest

from bench import chat_statements
from bench.chat_statements import Counted

ROWS = [
    (200, True, 20.0, "SELECT 1 FROM interactions_threadkey WHERE key = $1"),
    (100, True, 1.0, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
    (100, True, 1.5, "COMMIT"),
    (300, False, 6.0, "SELECT version FROM event_log WHERE stream_id = NEW.stream_id"),
    (50, True, 12.5, "INSERT INTO event_log VALUES ($1)"),
]


def test_statements_are_counted_per_chat_sent_apart_from_those_triggers_ran():
    counted = Counted(rows=ROWS)
    # The triggers' time is within the statements' that fired them: counted once.
    assert counted.per_chat(50) == {"sent": 9.0, "brackets": 4.0, "nested": 6.0, "ms": 0.7}
    assert counted.summary(50) == (
        "  statements a chat: 9.0 sent by the servers (4.0 of them BEGIN/COMMIT), "
        "and 6.0 run by triggers; PostgreSQL executed them in 0.70 ms"
    )
    listing = counted.listing(50).splitlines()
    assert listing[1].split() == ["6.00", "0.120", "no", *ROWS[3][3].split()]  # most calls first
    assert listing[-1].split()[:3] == ["1.00", "0.250", "yes"]


@pytest.mark.postgres
def test_without_pg_stat_statements_preloaded_the_run_says_why_and_counts_nothing(
    monkeypatch, transactional_db
):
    from django.db import connection

    db = connection.settings_dict  # the test database's, whatever the role may do there
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    monkeypatch.setattr(chat_statements, "ON", True)
    with chat_statements.counting(url, "test") as counted:
        pass
    assert counted.rows == []
    assert counted.unavailable.startswith("pg_stat_statements: ")
    assert "not counted (pg_stat_statements: " in counted.summary(10)
    assert chat_statements.write(counted, 10, "test") is None
