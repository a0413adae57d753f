"""A real browser (Debian's Chromium, driven by Playwright) against the real platform: the
embedded server (`manage.py serve`) runs as its own process on the test database, and a host
page on another origin embeds the widget."""

import http.server
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections

from tests import local_http, system_packages
from tests.conftest import wait_until_alone

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
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
    log = (OUTPUT / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--smtp-port", "0"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start; see {log.name}") from None
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(timeout=30)
    wait_until_alone()
    log.close()


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


@pytest.fixture
def browser():
    system_packages.require(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls are still plain synchronous code, so tell Django not to refuse them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Inside sync_playwright the test runs in another context, where Django's connection
        # handler (context-local) opened connections of its own: close them here, or they
        # outlive the run (an open SQLite connection leaves its -wal and -shm files behind).
        connections.close_all()


@pytest.fixture
def screenshot():
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
