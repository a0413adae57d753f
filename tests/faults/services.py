"""Throwaway PostgreSQL and Redis servers that a test may stop, kill and start again.

Fault tests never touch the shared servers on 5432 and 6379: each gets a cluster and a Redis
of its own on free ports, under a temporary directory, gone when the test ends. PostgreSQL
refuses to run as root, so as root its files belong to the `postgres` user and its commands
run as that user.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise RuntimeError("PostgreSQL's server programs (pg_ctl, initdb) are not installed")
    return versions[-1].parent


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Postgres:
    """A cluster of our own: `start()`, `stop(mode)`, `url(database)`. `copy_of`: the data
    folder of a stopped cluster to start from (a copy: seconds of setup it need not repeat)."""

    def __init__(self, copy_of: Path | None = None) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="cc-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.bin = _pg_bin()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.root, postgres.pw_uid, postgres.pw_gid)
        if copy_of is not None:
            # cp -a keeps the files' owner (postgres, where we are root) and modes (0700).
            subprocess.run(["cp", "-a", str(copy_of), str(self.data)], check=True)
            return
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        # The drills crash the server process, not the machine: what PostgreSQL has handed to
        # the kernel survives, so fsync can stay off. synchronous_commit stays on, as in
        # production: off, a crash loses commits already acknowledged (the drill's "nothing
        # lost" caught a customer's acknowledged message vanishing that way).
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`: sessions are ended, the server shuts down cleanly; `immediate`: like a
        crash (recovery at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    """A Redis of our own that keeps nothing on disk: a restart empties it, as in CI."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def remove(self) -> None:
        self.kill()
