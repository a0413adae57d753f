"""Code run in an interpreter of its own: what a process loads as it starts, or does first,
shows only in one that has loaded nothing yet (the test process has loaded everything)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(code: str, *, settings: bool = True, check: bool = False) -> subprocess.CompletedProcess:
    """`python -c code` at the repository's root, with the platform's Django settings (or,
    `settings=False`, with none at all); its output as text."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = "contactcenter.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )
