"""The test run as its processes know it: what the run's xdist workers share (a fault
cluster's template, the real-time tests' places) is named by the run's controlling process,
and that process removes it at the end."""

import os


def run_id() -> int:
    """The test run's controlling process: xdist's workers are its children."""
    return os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()
