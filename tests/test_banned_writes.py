"""Every stream is written through an aggregate: `store.append` outside contactcenter/events
fails `make lint` (ruff's banned-api, pyproject.toml), and the code holds to it today."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--output-format", "concise"]


def ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*RUFF, *args], cwd=ROOT, input=stdin, capture_output=True, text=True, check=False
    )


def test_no_code_outside_the_event_store_appends_by_hand():
    checked = ruff(".")  # tests and benchmarks may lay down a log by hand (pyproject.toml)
    assert checked.returncode == 0, checked.stdout


def test_a_new_hand_made_append_fails_the_lint():
    code = (
        "from contactcenter.events import store\n\n\n"
        "def record(event):\n"
        "    store.append('agent-7', [event], 3)\n"
    )
    checked = ruff("--stdin-filename", "routing/new_module.py", "-", stdin=code)
    assert checked.returncode == 1
    assert "contactcenter.events.store.append` is banned" in checked.stdout
    inside = ruff("--stdin-filename", "contactcenter/events/aggregate.py", "-", stdin=code)
    assert inside.returncode == 0, inside.stdout
