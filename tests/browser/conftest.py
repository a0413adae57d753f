"""A real browser (Debian's Chromium, driven by Playwright) against the real platform: the
embedded server (`manage.py serve`) runs as its own process on the test database, and a host
page on another origin embeds the widget."""

import http.server
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections

from tests import local_http, system_packages, zygote
from tests.conftest import wait_until_alone

ROOT = Path(__file__).resolve().parents[2]
# Chromium's headless shell (Debian's chromium-headless-shell: the same build as
# /usr/bin/chromium without the desktop browser around it, which is what Playwright runs for
# headless tests by default) draws the same pages for half the CPU: a fifth of the whole
# suite's CPU went to the full browser. What only the full browser has (it grants desktop
# notifications; the shell denies them) a test asks for with @pytest.mark.full_chromium.
CHROMIUM = "/usr/bin/chromium-headless-shell"
FULL_CHROMIUM = "/usr/bin/chromium"
PACKAGE = {CHROMIUM: "chromium-headless-shell", FULL_CHROMIUM: "chromium"}
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def platform(transactional_db):
    """The whole embedded platform (web, sockets, router, outbox) on the test database."""
    yield from serve()


def serve(**settings: str):
    """`manage.py serve` on a free port with these environment settings; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        **settings,
    }
    OUTPUT.mkdir(parents=True, exist_ok=True)
    # One log per xdist worker, each holding its latest server's.
    log = OUTPUT / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    server = zygote.spawn(
        ["manage.py", "serve", "--port", str(port), "--smtp-port", "0"], env=env, log=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                if server.poll() is None:  # not left running, holding its connections
                    server.kill()
                    server.wait(timeout=30)
                raise AssertionError(f"the server did not start; see {log}") from None
            time.sleep(0.05)
    yield base
    # The test's pages go first, as a person closes the tab before the server stops: a
    # request a page makes as the server stops waits for its closed event loop, and the
    # server's exit for that request (serve.EXIT_SECONDS).
    if CONNECTED:
        for context in CONNECTED[-1].contexts:
            context.close()
    server.terminate()
    server.wait(timeout=30)
    wait_until_alone()


@pytest.fixture
def host_page(platform):
    """A customer's website on another origin, embedding the widget with one script tag."""
    port = free_port()
    page = (
        f"<!doctype html><html><head><title>Acme</title><style>body{{font-family:serif}}"
        f' button{{background:red}}</style></head><body><h1 id="host">Acme Widgets</h1>'
        f'<script src="{platform}/widget.js" data-channel="demo" async></script>'
        f"</body></html>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = local_http.serve(http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler))
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


class SharedChromium:
    """One Chromium per test process, started by the first test that asks for a browser
    (tests/browser/browser_server.js): starting one took ~0.5 s of CPU per test. Each test
    connects to it and makes contexts of its own, which close as it disconnects — nothing of
    one test's pages, cookies or storage is there for the next."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.process: subprocess.Popen | None = None
        self.endpoint = ""

    def connect(self, playwright):
        if self.process is None or self.process.poll() is not None:
            self._start()
        return playwright.chromium.connect(self.endpoint)

    def _start(self) -> None:
        from playwright._impl._driver import compute_driver_executable

        node, cli = compute_driver_executable()
        OUTPUT.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.process = subprocess.Popen(
            [
                node,
                str(ROOT / "tests/browser/browser_server.js"),
                str(Path(cli).parent),  # Playwright's own package, which its driver runs
                self.executable,
                json.dumps(CHROMIUM_ARGS),
            ],
            stdin=subprocess.PIPE,  # closed when this process ends: the server stops
            stdout=subprocess.PIPE,
            stderr=(OUTPUT / f"chromium-{worker}.log").open("w"),
            text=True,
        )
        self.endpoint = self.process.stdout.readline().strip()
        if not self.endpoint.startswith("ws://"):
            raise AssertionError(f"Chromium did not start: see {OUTPUT}/chromium-{worker}.log")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


CONNECTED: list = []  # the browser of the test running now, if it has one


@pytest.fixture(scope="session")
def shared_chromium():
    """The headless shell, and the full browser for the tests that ask for it: each started
    by the first test that needs it."""
    shared = {CHROMIUM: SharedChromium(CHROMIUM), FULL_CHROMIUM: SharedChromium(FULL_CHROMIUM)}
    yield shared
    for chromium in shared.values():
        chromium.stop()


@pytest.fixture
def browser(shared_chromium, request):
    full = request.node.get_closest_marker("full_chromium") is not None
    executable = FULL_CHROMIUM if full else CHROMIUM
    system_packages.require(executable, PACKAGE[executable])
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls are still plain synchronous code, so tell Django not to refuse them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = shared_chromium[executable].connect(playwright)
        CONNECTED.append(chromium)
        yield LessMotion(chromium)
        CONNECTED.remove(chromium)
        chromium.close()  # its contexts close with it; the browser stays for the next test
        # Inside sync_playwright the test runs in another context, where Django's connection
        # handler (context-local) opened connections of its own: close them here, or they
        # outlive the run (an open SQLite connection leaves its -wal and -shm files behind).
        connections.close_all()


class LessMotion:
    """The tests' browser: its pages ask for reduced motion, as an agent may in their system's
    settings. The console's offer card then stands still instead of pulsing, which Chromium
    repaints every frame: a sixth of a core for as long as an offer shows."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        return self._browser.new_context(**{"reduced_motion": "reduce", **options})

    def new_page(self, **options):
        return self._browser.new_page(**{"reduced_motion": "reduce", **options})

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture
def screenshot():
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
