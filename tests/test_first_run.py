"""A new user's first run, as `make run PORT=…` does it: the embedded default (SQLite, no
PUBLIC_URL, nothing else set) on a port other than 8000, then what the README tries first —
a Twilio-signed SMS, the demo page, an API token — and a stop that leaves var/ tidy."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import system_packages
from tests.browser.conftest import CHROMIUM
from tests.faults.deployment import Process, http, log_in, twilio_sms
from tests.faults.services import free_port

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast

ROOT = Path(__file__).resolve().parent.parent
# What a shell on a new machine has: none of the settings a test run or a deployment sets.
UNSET = (
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "REDIS_URL",
    "TEST_DATABASE_NAME",
    "PUBLIC_URL",
    "ALLOWED_HOSTS",
)


@pytest.fixture
def first_run_environment():
    var = Path(tempfile.mkdtemp(prefix="cc-first-run-var-"))
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env |= {"VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "contactcenter.settings"}
    yield env
    shutil.rmtree(var, ignore_errors=True)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done


def journal_files(var: Path) -> list[str]:
    return sorted(p.name for p in var.iterdir() if p.name.endswith(("-wal", "-shm", "-journal")))


def test_make_run_on_another_port_works_end_to_end(first_run_environment):
    env = first_run_environment
    port, smtp_port = free_port(), free_port()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    server = Process(
        "first-run",
        ["manage.py", "serve", "--port", str(port), "--smtp-port", str(smtp_port)],
        env,
        port,
    )
    server.log.unlink(missing_ok=True)
    base = server.base
    try:
        server.start()
        # The README's Twilio example, with this port in the URL it signs.
        status, _, body = twilio_sms(base, base, "SM" + "1" * 32, "+15551234567", "Hi")
        assert status == 200, body

        status, _, page = http("GET", f"{base}/demo/widget/")
        assert status == 200
        assert f'&lt;script src="{base}/widget.js"'.encode() in page, page
        assert b'<meta name="viewport" content="width=device-width, initial-scale=1">' in page

        key = manage(env, "create_api_token", "agent1").stdout.strip()
        status, _, body = http(
            "GET", f"{base}/api/v1/interactions/", headers={"Authorization": f"Token {key}"}
        )
        assert status == 200, body

        # An agent opening a supervisor page: refused, and the log says so in one line.
        status, _, _ = http(
            "GET", f"{base}/supervisor/", headers={"Cookie": log_in(base, "agent1")}
        )
        assert status == 403
    finally:
        stopped = server.stop()  # SIGTERM; Ctrl-C (SIGINT) stops it the same way
    log = server.log.read_text()
    refusals = [line for line in log.splitlines() if "Forbidden" in line]
    assert len(refusals) == 1 and "/supervisor/" in refusals[0], log
    assert "Traceback" not in log, log
    assert stopped == 0, log
    assert journal_files(Path(env["VAR_DIR"])) == [], log


def test_every_page_fits_a_phone():
    """Each template that is a whole page (it opens <head>) has the mobile viewport tag."""
    pages = [
        path
        for folder in ("templates", "contactcenter", "channels_adapters", "crm", "routing")
        for path in (ROOT / folder).rglob("*.html")
        if re.search(r"<head[\s>]", path.read_text())
    ]
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    assert len(pages) > 5
    assert [str(p.relative_to(ROOT)) for p in pages if viewport not in p.read_text()] == []


DEMO_PAGE_TEST = "tests/browser/test_demo_page.py"


def test_make_test_leaves_no_sqlite_journal_files(first_run_environment):
    """A test run on the embedded default (browser tests included, which drive a server and
    Chromium) leaves var/ without the test database and without its -wal and -shm files."""
    system_packages.require(CHROMIUM, "chromium-headless-shell")
    env = first_run_environment
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", DEMO_PAGE_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout
    var = Path(env["VAR_DIR"])
    assert journal_files(var) == [] and not (var / "test-contactcenter.sqlite3").exists()
