"""Debian packages some tests drive, which `make test` installs (the Makefile's
SYSTEM_PACKAGES). Where it could not (not root, no network) the tests that need one skip with
one line saying why; in CI they fail instead, because CI must run every test."""

import os
from pathlib import Path

import pytest


def in_ci() -> bool:
    """CI says so with CI set (.ci/run sets CI=1; so do most CI services)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def require(path: str, package: str) -> None:
    """Skip the calling test (fail it in CI) when `package`'s `path` is not installed."""
    if Path(path).exists():
        return
    reason = f"{path} is missing: Debian's {package}, which `make test` installs as root"
    if in_ci():
        pytest.fail(f"{reason}; CI runs every test")
    pytest.skip(reason)
