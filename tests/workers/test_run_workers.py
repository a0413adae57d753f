"""`run_workers`: one worker process running every registered loop, that exits non-zero when
a loop cannot recover (so its supervisor restarts it)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from contactcenter.workers import registry
from contactcenter.workers.models import Heartbeat
from tests.browser.conftest import database_url
from tests.conftest import wait_until_alone

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast

ROOT = Path(__file__).resolve().parents[2]


def run_workers(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "contactcenter.settings", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_whose_database_never_answers_exits_non_zero():
    worker = run_workers(
        "--only",
        "router",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing",  # nothing listens there
        WORKER_GIVE_UP_SECONDS="2",
        DATABASE_POOL_TIMEOUT="1",  # each round (and the goodbye) waits this long for it
    )
    try:
        output, _ = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 1, output
    assert "router has failed every round" in output


def test_an_unknown_loop_is_a_clear_error():
    worker = run_workers("--only", "nosuchloop")
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode != 0
    assert "no such loop: nosuchloop" in output


@pytest.mark.django_db(transaction=True)
def test_every_registered_loop_runs_in_a_worker_process():
    standalone = {w.name for w in registry.registered() if w.standalone}
    worker = run_workers(DATABASE_URL=database_url())
    try:
        deadline = time.monotonic() + 60
        while True:
            beats = {b.loop: b for b in Heartbeat.objects.all()}
            if standalone <= set(beats) and all(beats[n].health["rounds"] for n in standalone):
                break
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, f"heartbeats so far: {sorted(beats)}"
            time.sleep(0.5)
        assert all(beats[name].healthy for name in standalone), {
            name: beats[name].health for name in standalone
        }
    finally:
        worker.terminate()
        worker.wait(30)
        if connection.vendor == "postgresql":
            wait_until_alone()
    assert worker.returncode == 0
    assert not Heartbeat.objects.exists()  # a clean stop takes its heartbeats along
