"""The layering is executable (issue 15.5): import-linter's contracts (pyproject.toml) hold, and
the pure modules — the domain's decisions, matching, flows, Erlang, scoring — import in a clean
interpreter with no Django settings at all."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import fresh_interpreter
from tests.pure import DECISIONS

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def without_settings(code: str) -> subprocess.CompletedProcess:
    return fresh_interpreter.run(code, settings=False)


@pytest.mark.parametrize("module", DECISIONS)
def test_a_pure_module_imports_without_django_settings(module):
    done = without_settings(f"import {module}")
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_pure_modules_load_together_as_the_test_zygote_loads_them():
    """The zygote (tests/zygote.py) loads every pure module, event types included, before it
    forks a server: with no settings, no installed app's modules, no media stack, no thread."""
    loaded = (
        "import json, sys, threading; from tests.pure import PURE;"
        "[__import__(m) for m in PURE];"
        "print(json.dumps([threading.active_count(), sorted(sys.modules)]))"
    )
    done = without_settings(loaded)
    assert done.returncode == 0, done.stderr[-2000:]
    threads, modules = json.loads(done.stdout.splitlines()[-1])
    assert threads == 1
    apps = ("rest_framework", "channels", "daphne", "aiortc", "av", "django.contrib.admin")
    assert [m for m in modules if any(m == a or m.startswith(a + ".") for a in apps)] == []


def test_a_process_that_carries_no_call_never_loads_the_media_stack():
    """aiortc and PyAV (FFmpeg) cost a tenth of a second of every start of every server and
    worker; a process loads them with its first call's leg (voice/media/codec.py, webrtc.py)."""
    started = (
        "import sys, django; django.setup(); import contactcenter.asgi, contactcenter.urls;"
        "from django.core import checks; checks.run_checks();"
        "print(sorted({'aiortc', 'av'} & set(sys.modules)))"
    )
    done = fresh_interpreter.run(started)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
