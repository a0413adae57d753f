"""What the benchmarks share: a PostgreSQL database of their own, worker processes started
together, and a table printer."""

import multiprocessing
import os
import platform
import queue
import shlex
import subprocess
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, else the server of DATABASE_URL (or the local one), database
    `contactcenter_bench`: benchmarks never touch your real data."""
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/contactcenter_bench", "", ""))


def psycopg_dsn(url: str) -> str:
    parts = urlsplit(url)
    fields = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "dbname": parts.path.lstrip("/"),
    }
    if parts.password:
        fields["password"] = parts.password
    return " ".join(f"{k}={v}" for k, v in fields.items())


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = psycopg_dsn(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str | None = None, *, pool: bool = False) -> None:
    """Configure Django for the bench database (migrated) in this process."""
    url = url or bench_database_url()
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_POOL"] = "1" if pool else "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    os.environ.pop("REDIS_URL", None) if os.environ.get("BENCH_NO_REDIS") else None
    import django

    django.setup()


def prepare_database(url: str | None = None) -> str | None:
    """The benchmark's database created if missing, Django set up on it and migrated; the
    URL, or None (with the reason printed) when PostgreSQL cannot be reached."""
    url = url or bench_database_url()
    try:
        ensure_database(url)
    except Exception as error:
        print(f"needs PostgreSQL ({url}): {error}")
        return None
    setup_django(url)
    migrate()
    return url


def vacuum() -> None:
    """VACUUM ANALYZE the bench's database, from this process's connection (Django's, set
    up on it). A run deletes what the last one made and makes it again (two hundred agents,
    their profiles and states): where autovacuum is off, as on the CI machine's PostgreSQL,
    the dead rows piled up run after run (auth_user held 8,800 beside its 200 live ones), and
    a run measured after another paid for the one before: of two runs back to back, the
    second cost more, whichever code it ran (docs/benchmarks.md, 2026-12-06). Tables this
    role does not own are passed over, with PostgreSQL's warning."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {interpreter()}, {pg or 'PostgreSQL'}"


# How CPython was configured, where that decides much of how fast it runs our code: with
# profile-guided and link-time optimisation, and with libpython a shared library or not. The
# same version built two ways ran the servers' Python at different speeds (docs/deploy.md,
# "The Python interpreter"), so a figure says which it was.
BUILD_FLAGS = ("--enable-optimizations", "--with-lto", "--enable-shared")


def interpreter() -> str:
    configured = sysconfig.get_config_var("CONFIG_ARGS") or ""
    args = shlex.split(configured)
    given = [f for f in BUILD_FLAGS if any(a == f or a.startswith(f + "=") for a in args)]
    missing = [f for f in BUILD_FLAGS if f not in given]
    parts = []
    if given:
        parts.append("configured with " + ", ".join(given))
    if missing:
        parts.append("without " + ", ".join(missing))
    return f"Python {platform.python_version()} ({'; '.join(parts)})"


def run_processes(worker: Callable, args_for: list[tuple]) -> list:
    """Start one process per args tuple; they begin together at a barrier. `worker(barrier,
    queue, *args)` must put exactly one result on the queue."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(args_for))
    results = context.Queue()
    processes = [
        context.Process(target=worker, args=(barrier, results, *args)) for args in args_for
    ]
    for process in processes:
        process.start()
    collected = []
    while len(collected) < len(processes):
        try:
            collected.append(results.get(timeout=1))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                for p in processes:
                    p.kill()
                raise RuntimeError("a benchmark worker failed; its traceback is above") from None
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a benchmark worker failed (exit {process.exitcode})")
    return collected


class Stopwatch:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(
            c.rjust(w) if n else c.ljust(w)
            for n, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def summary(name: str, **figures) -> str:
    """The one machine-readable line a benchmark ends with (CONTRACT.md): `name: key=value …`,
    floats to one decimal, so figures can be compared run to run."""
    pairs = (f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
    return f"{name}: {' '.join(pairs)}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> dict[int, tuple[int, int]]:
    """How often each thread of a process, by its id, has left its core so far: the times it
    waited (for a socket, a lock, a database's answer) and the times the kernel preempted it
    (Linux /proc/<pid>/task/*/status). Unlike CPU time, the waits count the program's own
    trips and hand-offs, which a slower or busier machine does not change."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended as it was read
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        threads[int(task.name)] = (
            int(fields["voluntary_ctxt_switches"]),
            int(fields["nonvoluntary_ctxt_switches"]),
        )
    return threads


def switches_since(before: list[dict[int, tuple[int, int]]], pids: list[int]) -> tuple[int, int]:
    """The waits and the preemptions of the processes `pids` since `before` (a reading of
    `context_switches` each, in the same order), all together: each thread's since it was
    read, or since it began. A thread that ended in between takes its count with it."""
    waited = preempted = 0
    for pid, earlier in zip(pids, before, strict=True):
        for tid, (w, p) in context_switches(pid).items():
            w0, p0 = earlier.get(tid, (0, 0))
            waited += w - w0
            preempted += p - p0
    return waited, preempted


def stop(processes: list[subprocess.Popen], sig: int = 15, timeout: float = 15) -> None:
    """Signal every process (SIGTERM; SIGINT makes py-spy write its profile), wait for each,
    and kill one that will not go."""
    for process in processes:
        process.send_signal(sig)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
