"""How `python -m bench chat_latency` tells PostgreSQL's CPU apart from the servers'
(bench/database_cpu.py): the backends of the bench's database, read in /proc; a backend
that starts inside a window counts whole, one that ends counts nothing; and where the
backends cannot be read, why, rather than a figure of nothing."""

import pytest

from bench import database_cpu
from bench.database_cpu import Backends
from tests.browser.conftest import database_url


def test_a_backend_new_in_the_window_counts_whole_and_one_gone_counts_nothing():
    before = {10: 1.0, 11: 2.0}
    after = {10: 1.5, 12: 0.25}  # 11 ended, 12 began
    assert database_cpu.spent(before, after) == 0.75


def test_a_database_on_another_machine_is_not_sampled_and_says_so():
    with Backends("postgres://postgres@db.example.com:5432/bench") as backends:
        assert backends.sample() == {}
    assert backends.unavailable == "PostgreSQL runs on another machine"


@pytest.mark.postgres
def test_the_cpu_a_backend_spends_on_a_statement_is_counted(transactional_db):
    import psycopg

    url = database_url()
    with Backends(url) as backends, psycopg.connect(url) as busy:
        pid = busy.info.backend_pid
        before = backends.sample()
        busy.execute("SELECT count(*) FROM generate_series(1, 3000000)").fetchone()
        after = backends.sample()
    assert not backends.unavailable
    assert pid in before and pid in after
    assert after[pid] - before[pid] > 0
    assert database_cpu.spent(before, after) >= after[pid] - before[pid]
