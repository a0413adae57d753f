"""A zygote for the servers the tests start: one process per test process that has imported
the libraries a server loads, and forks a `manage.py` for each test.

A server's start is mostly imports: Django's setup takes 1.2 s of the ~1.6 s of CPU to a
healthy server, two thirds of it in third-party libraries (Twisted, psycopg, openpyxl, numpy,
Django's own core) that are the same for every server. The zygote imports those once; each
child then takes the test's environment and runs `manage.py` as `python manage.py …` would:
our settings, our apps and Django's setup all happen in the child, from the test's settings.

What the zygote never imports: our packages beyond the pure ones (`tests.pure`: the domain's
decisions and the event types, whose dataclasses are a fifth of the rest of a server's start),
Django's installed apps (their modules register models, checks and signal receivers, and read
settings), and Daphne's server module (it installs Twisted's reactor, whose event loop would be
shared by every child). Which modules a server loads is asked of a real one as the zygote
starts (`PROBE`), so the list follows the code. `python -m tests.zygote` is the zygote; `spawn`
is how a test starts a process in it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests import fresh_interpreter, pure

ROOT = Path(__file__).resolve().parents[1]
OURS = ("contactcenter", "channels_adapters", "routing", "crm", "outbound", "wfm", "bench", "tests")
NEVER = ("daphne", "twisted.internet.reactor", "__main__")

# What a server has loaded once it is set up to serve, and which apps are installed.
PROBE = """
import json, sys, django
django.setup()
import contactcenter.asgi, contactcenter.urls, contactcenter.management.commands.serve
from django.apps import apps
print(json.dumps([list(sys.modules), [app.name for app in apps.get_app_configs()]]))
"""


def libraries() -> list[str]:
    """The modules a server loads that are neither ours nor an installed app's, in the order
    it loaded them."""
    probe = fresh_interpreter.run(PROBE, check=True)
    modules, apps = json.loads(probe.stdout.splitlines()[-1])
    ignored = (*OURS, *NEVER, *apps)
    return [m for m in modules if not any(m == p or m.startswith(p + ".") for p in ignored)]


def preload(modules: list[str]) -> None:
    for name in modules:
        # One that needs settings fails here: it is the child's to import.
        with contextlib.suppress(Exception):
            __import__(name)
    # A thread or a reactor would be copied into every child half-alive.
    assert threading.active_count() == 1, threading.enumerate()
    assert "twisted.internet.reactor" not in sys.modules


def serve_requests() -> dict | None:
    """The zygote's loop: one JSON request a line on stdin, one reply a line on stdout.
    Returns only in a forked child, with what it is to run."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # what an import prints goes to stderr, never among the replies
    preload([*libraries(), *pure.PURE])
    children: dict[int, int | None] = {}
    for line in sys.stdin:
        request = json.loads(line)
        if "spawn" in request:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                replies.close()
                return request["spawn"]
            children[pid] = None
            replies.write(json.dumps({"pid": pid}) + "\n")
        elif "poll" in request:
            pid = request["poll"]
            if children.get(pid) is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    children[pid] = os.waitstatus_to_exitcode(status)
            replies.write(json.dumps({"returncode": children[pid]}) + "\n")
    for pid, code in children.items():  # the test process is gone: so are its servers
        if code is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return None


def become(spawn: dict) -> None:
    """In the child: take the test's environment, output and arguments, and run the script
    as `python script …` would; its exit is the interpreter's, as for any process."""
    mode = os.O_APPEND if spawn["append"] else os.O_TRUNC
    log = os.open(spawn["log"], os.O_WRONLY | os.O_CREAT | mode, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdin = open(os.devnull)  # noqa: SIM115 — the process's stdin for the rest of its life
    os.chdir(spawn["cwd"])
    with contextlib.suppress(PermissionError):  # the spawner's, as a process it started would
        os.setpriority(os.PRIO_PROCESS, 0, spawn["priority"])  # have (tests/cpu_priority.py)
    os.environ.clear()
    os.environ.update(spawn["env"])
    sys.argv = spawn["argv"]
    sys.path[0] = str(Path(spawn["argv"][0]).resolve().parent)
    runpy.run_path(spawn["argv"][0], run_name="__main__")


class Zygote:
    """The test process's side: starts the zygote at its first spawn."""

    _one: Zygote | None = None

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.zygote"],
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.close)

    @classmethod
    def get(cls) -> Zygote:
        if cls._one is None or cls._one.process.poll() is not None:
            cls._one = cls()
        return cls._one

    def ask(self, request: dict) -> dict:
        with self.lock:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError(f"the zygote exited ({self.process.wait()}); see its stderr")
        return json.loads(reply)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


class Forked:
    """A process the zygote forked, with what the tests use of `subprocess.Popen`."""

    def __init__(self, zygote: Zygote, pid: int, args: list[str]) -> None:
        self.zygote, self.pid, self.args = zygote, pid, args
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.ask({"poll": self.pid})["returncode"]
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        # Until the zygote has reaped it (a poll that saw it exit), the pid is still its own.
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def spawn(
    args: list[str], *, env: dict[str, str], log: Path, append: bool = False, cwd: Path = ROOT
) -> Forked:
    """`python args…` in `cwd` with exactly `env`, its output to `log` (emptied first unless
    `append`): as `subprocess.Popen` would run it, from a process with the libraries loaded."""
    zygote = Zygote.get()
    request = {
        "argv": list(args),
        "env": env,
        "cwd": str(cwd),
        "log": str(log),
        "append": append,
        "priority": os.getpriority(os.PRIO_PROCESS, 0),
    }
    return Forked(zygote, zygote.ask({"spawn": request})["pid"], list(args))


if __name__ == "__main__":
    child = serve_requests()
    if child is not None:
        become(child)
