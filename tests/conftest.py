"""Suite-wide switches: which services the run has, and what that means for each test.

With DATABASE_URL / REDIS_URL set (CI sets both), tests marked `postgres` / `redis` run and
fail if the service does not answer; they are skipped only when the variable is unset.
"""

import contextlib
import functools
import gc
import importlib
import os
import time
import warnings
from pathlib import Path

import psycopg
import pytest
from django.db import connection

# Fixtures that mean a database (or a server, which needs one): `--fast` leaves their tests out.
NEEDS_DATABASE = {
    "db",
    "transactional_db",
    "django_db_setup",
    "client",
    "admin_client",
    "live_server",
    "platform",
}


# This process's own PostgreSQL sessions carry this name, so that `wait_until_alone` waits for
# the servers and workers a test started, not for this process's idle threads' connections.
OWN_SESSIONS = f"pytest-{os.getpid()}"


# Passwords hash with MD5 in the suite and in every server it starts (they inherit this): PBKDF2
# cost half a second a login, minutes of the suite (contactcenter/settings.py).
os.environ["FAST_PASSWORD_HASHING"] = "1"


def pytest_configure(config):
    from django.conf import settings

    # pytest-django may have read the settings before this module set the variable.
    settings.PASSWORD_HASHERS = settings.FAST_PASSWORD_HASHERS
    settings.FAST_PASSWORD_HASHING = True

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {})["application_name"] = OWN_SESSIONS


def pytest_addoption(parser):
    parser.addoption(
        "--fast",
        action="store_true",
        help="only the tests that need no database, server or browser (make test-fast)",
    )


def needs_database(item) -> bool:
    return (
        item.get_closest_marker("django_db") is not None
        or bool(NEEDS_DATABASE & set(getattr(item, "fixturenames", ())))
        or "postgres" in item.keywords
        or "redis" in item.keywords
        or "slow" in item.keywords
    )


# xdist hands tests out in the order collected, and the long ones — fault drills, real-time
# audio, browsers — would otherwise come last (alphabetically, voice/ nearly is), leaving one
# worker finishing a drill alone. They go first; the short ones then even out the workers' ends.
# The drill comes first of all and makes the run's fault cluster (tests/faults/deployment.py,
# `demo_template`, ~16 s) while the other workers take audio tests; with every fault test
# first, all three workers waited on its lock at the start of the run.
LONG_FIRST = ("tests/faults/test_drill.py", "tests/voice/media/", "tests/faults/", "tests/browser/")


def long_first(item) -> int:
    path = item.nodeid
    return next(
        (n for n, prefix in enumerate(LONG_FIRST) if path.startswith(prefix)), len(LONG_FIRST)
    )


def pytest_collection_modifyitems(config, items):
    items.sort(key=long_first)  # stable: each module's tests stay together, in their order
    if config.getoption("fast"):
        slow = [item for item in items if needs_database(item)]
        items[:] = [item for item in items if not needs_database(item)]
        config.hook.pytest_deselected(items=slow)
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


def pytest_sessionstart(session):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        RERUNS.unlink(missing_ok=True)


def pytest_sessionfinish(session):
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # the run's controller: its workers are done
        from tests import cpu_priority
        from tests.faults.deployment import remove_demo_template
        from tests.runs import run_id

        remove_demo_template()
        cpu_priority.let_go(run_id())


def pytest_runtest_logreport(report):
    """A test that failed and passed when run again (a RERUN line) was still a failure: what
    went wrong goes to test-output/reruns.log, to be found and fixed."""
    if report.outcome != "rerun" or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    RERUNS.parent.mkdir(parents=True, exist_ok=True)
    with RERUNS.open("a") as log:
        log.write(f"===== {report.nodeid} ({report.when})\n{report.longreprtext}\n\n")
        # What the test printed and logged: a drill's progress lines say where it stalled.
        for title, text in report.sections:
            log.write(f"----- {title}\n{text[-20000:]}\n")


RERUNS = Path(__file__).resolve().parents[1] / "test-output" / "reruns.log"


@pytest.fixture(autouse=True, scope="session")
def _close_connection_pools(request, django_db_blocker):
    """Pooled connections stay open after tests; close them so the test database can go."""
    if request.config.getoption("fast"):  # no database was made
        yield
        return
    request.getfixturevalue("django_db_setup")
    from contactcenter import startup

    startup.done()  # this process's own collector, too, need not walk what it loaded
    yield
    from django.db import connections

    from channels_adapters.webchat import lines
    from contactcenter import db_threads
    from contactcenter.api import feed_wakeups

    feed_wakeups.stop_listening()
    lines.stop()  # a place in line due to be told would reopen the pool after it is closed
    db_threads.shutdown()
    gc.unfreeze()  # what startup.done() froze may hold some of them
    gc.collect()  # the threads' connections close as they are collected

    def close_pools() -> None:
        for alias in connections:
            connections[alias].close()
            close_pool = getattr(connections[alias], "close_pool", None)
            if close_pool is not None:
                close_pool()

    close_pools()
    if connection.vendor == "postgresql":
        # A connection of its own: Django's would reopen the pool just closed.
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        deadline = time.monotonic() + 10
        with psycopg.connect(**params, autocommit=True) as own:
            # This process's own sessions left now are idle ones of threads that outlived
            # their test (asgiref's executor, where `database_sync_to_async` ran): waiting
            # cannot end them, and the test database cannot be dropped while they stand.
            own.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid() AND application_name = %s",
                [OWN_SESSIONS],
            )
            # A process the last test ran may have exited a moment ago, its session not yet.
            while True:
                rows = own.execute(
                    "SELECT pid, application_name, state, left(query, 120) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND application_name <> %s",
                    [OWN_SESSIONS],
                ).fetchall()
                if not rows or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
        for row in rows:  # a warning, so that it reaches the summary from an xdist worker too
            warnings.warn(f"still connected at the end of the run: {row}", stacklevel=1)


@pytest.fixture(autouse=True, scope="session")
def _flush_past_sqlite_triggers(request, django_db_blocker):
    """Transactional tests empty every table between tests. PostgreSQL does it with TRUNCATE,
    which the append-only triggers leave alone; on SQLite it is DELETE, which they refuse, so
    the flush (and only the flush) steps around them."""
    if request.config.getoption("fast"):
        yield
        return
    request.getfixturevalue("django_db_setup")
    if connection.vendor == "postgresql":
        with _flush_as_the_owner(), _content_types_kept():
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    triggers = importlib.import_module("contactcenter.events.migrations.0002_append_only_triggers")

    original = connection.ops.sql_flush

    def sql_flush(style, tables, **kwargs):
        statements = original(style, tables, **kwargs)
        if "event_log" not in tables:
            return statements
        drops = [drop for _, drop in triggers.SQLITE]
        creates = [create for create, _ in triggers.SQLITE]
        return drops + statements + creates

    connection.ops.sql_flush = sql_flush
    with _content_types_kept():
        yield
    connection.ops.sql_flush = original


# Rows that follow from the models alone, made by post_migrate when the database is made.
STATIC_TABLES = frozenset({"django_content_type", "auth_permission"})


@contextlib.contextmanager
def _content_types_kept():
    """A flush empties every table and then re-runs post_migrate to make the content types
    and permissions again: 0.3 s of CPU after every transactional test, hundreds of times.
    They follow from the models, which no test changes: the flush leaves them be."""
    from django.core.management.commands import flush

    sql_flush = connection.ops.sql_flush
    emit = flush.emit_post_migrate_signal

    def sql_flush_but_static(style, tables, **kwargs):
        return sql_flush(style, [t for t in tables if t not in STATIC_TABLES], **kwargs)

    connection.ops.sql_flush = sql_flush_but_static
    flush.emit_post_migrate_signal = lambda *args, **kwargs: None
    try:
        yield
    finally:
        connection.ops.sql_flush = sql_flush
        flush.emit_post_migrate_signal = emit


@contextlib.contextmanager
def _flush_as_the_owner():
    """PostgreSQL's log refuses TRUNCATE too: the flush turns that trigger off for its one
    transaction, which only the owner may do — on the owner's connection when the suite runs
    as the application's role (DATABASE_OWNER_URL; contactcenter/privacy/owner_connection.py)."""
    from contactcenter.privacy import database_roles, owner_connection

    original = connection.ops.execute_sql_flush

    def execute_sql_flush(sql_list):
        statements = database_roles.owner_flush_statements(sql_list)
        if owner_connection.configured():
            owner_connection.execute(connection.settings_dict["NAME"], statements)
        else:
            original(statements)

    original_sql_flush = connection.ops.sql_flush

    def sql_flush(style, tables, *, reset_sequences=False, allow_cascade=False):
        # TRUNCATE of 120-odd tables makes new files for each and their indexes: about 1.5 s,
        # after every transactional test. Deleting the few rows a test wrote takes 50 ms; in
        # replica mode no trigger fires (foreign keys, the log's append-only rules), which
        # takes a superuser — anyone else flushes the slow way.
        if reset_sequences or not _flushes_as_superuser():
            return original_sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        quote = connection.ops.quote_name
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {quote(table)}" for table in tables),
        ]

    connection.ops.execute_sql_flush = execute_sql_flush
    connection.ops.sql_flush = sql_flush
    try:
        yield
    finally:
        connection.ops.execute_sql_flush = original
        connection.ops.sql_flush = original_sql_flush


@functools.cache
def _flushes_as_superuser() -> bool:
    from contactcenter.privacy import owner_connection

    query = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    if not owner_connection.configured():
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]
    with psycopg.connect(**owner_connection.conninfo(connection.settings_dict["NAME"])) as own:
        return own.execute(query).fetchone()[0]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """With DATABASE_OWNER_URL the owner creates, migrates and drops the test database, and
    the tests run as the application's role (DATABASE_URL's user), as in production."""
    from contactcenter.privacy import owner_connection

    owner_connection.use_owner(connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from contactcenter.privacy import owner_connection

    owner_connection.use_app(connection)
    yield
    with django_db_blocker.unblock():
        owner_connection.use_owner(connection)


@pytest.fixture(autouse=True)
def _no_console_sockets_outlive_their_test():
    """Consoles opened in-process (channels' communicators) register with this process's
    lease keeper; a test that ends without closing one must not leave the keeper renewing a
    lease in the next test's database (or in none)."""
    yield
    from routing import consoles

    with consoles._mine_lock:
        consoles._mine.clear()
        keeper = consoles._keeper
    if keeper is not None:
        keeper.stop()
        keeper.join(5)


@pytest.fixture(autouse=True)
def _fresh_routing_configuration():
    """The routing configuration (and the queues' pace) is cached per process for a few
    seconds, and timers that failed are put aside for a minute; a test must never route with
    the queues, agents or failures of the test before it."""
    from contactcenter import roles
    from contactcenter.followups import schedule
    from routing import config, router, waiting

    config.invalidate()
    roles.forget()
    waiting.forget()
    router.forget()
    schedule.forget()
    yield
    config.invalidate()
    roles.forget()
    waiting.forget()
    router.forget()
    schedule.forget()


@pytest.fixture(autouse=True)
def _fresh_knowledge_caches():
    """The knowledge base's index and the help pages' per-address counts are kept per process:
    each test searches its own articles and starts with no help requests counted."""
    from contactcenter.knowledge import search, throttle

    search.forget()
    throttle.reset()
    yield
    search.forget()
    throttle.reset()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets its own channel layer: no group outlives the test that made it."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def wait_until_alone(timeout: float = 10.0) -> None:
    """After stopping server processes: wait until PostgreSQL has let go of their sessions,
    so the test database can be dropped at the end of the run."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name <> %s",
                    [OWN_SESSIONS],
                )
                if cursor.fetchone()[0] == 0:
                    return
            time.sleep(0.1)
    finally:
        connection.close()  # this thread's own, so it is not left behind either


@pytest.fixture
def graph():
    """A local fake of Meta's Graph API (channels_adapters/meta/fake_graph.py) on 127.0.0.1:
    what the WhatsApp and Messenger adapters send lands there."""
    from channels_adapters.meta import fake_graph

    fake = fake_graph.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def courier_calls(monkeypatch) -> list[str]:
    """The names of the threads that handed pushes to the push thread's loop (the courier,
    contactcenter/push.py) rather than publishing them themselves (push_direct.py), spied
    on: the courier still sends them."""
    import threading

    from contactcenter import push

    calls: list[str] = []
    courier_loop = push._courier_loop

    def spied():
        calls.append(threading.current_thread().name)
        return courier_loop()

    monkeypatch.setattr(push, "_courier_loop", spied)
    return calls
