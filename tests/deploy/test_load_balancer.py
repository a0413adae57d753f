"""deploy/haproxy.cfg, as committed (only its ports changed), in front of two Daphne processes
(`manage.py serve --no-workers --proxy-headers`) sharing PostgreSQL and Redis: HTTP reaches both,
a visitor on one and an agent on the other chat through it, and a killed server is taken out by
the /healthz check while requests keep succeeding."""

import asyncio
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
import websockets

from tests import system_packages
from tests.conftest import wait_until_alone
from tests.console.test_two_processes import (
    a_chat_center,
    environment,
    free_port,
    greet_accept_reply,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY = "/usr/sbin/haproxy"


def rendered(balancer: int, stats: int, servers: list[int]) -> str:
    """The committed file with this run's ports: each line replaced must be there, once."""
    text = CONFIG.read_text()
    swaps = [
        (r"(?m)^    bind :80$", f"    bind 127.0.0.1:{balancer}"),
        (r"(?m)^    bind 127\.0\.0\.1:8404$", f"    bind 127.0.0.1:{stats}"),
        *(
            (rf"(?m)^    server web{n} 127\.0\.0\.1:800{n}$", f"    server web{n} 127.0.0.1:{p}")
            for n, p in enumerate(servers, start=1)
        ),
    ]
    for pattern, line in swaps:
        text, count = re.subn(pattern, line, text)
        assert count == 1, f"deploy/haproxy.cfg no longer has one line like {pattern!r}"
    return text


def get(url: str, timeout: float = 10) -> tuple[int, Message, bytes]:
    """Status, headers (any case: HAProxy sends names in lower case) and body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def server_states(stats: int) -> dict[str, str]:
    """web1/web2 -> UP, DOWN, … from HAProxy's CSV statistics."""
    _, _, body = get(f"http://127.0.0.1:{stats}/stats;csv")
    rows = [line.split(",") for line in body.decode().splitlines() if line.startswith("daphne,")]
    return {row[1]: row[17] for row in rows if row[1].startswith("web")}


def wait_for(what: str, predicate, processes: dict, logs: list[Path], timeout=90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(p.poll() is None for p in processes.values()):
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.3)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    raise AssertionError(f"never: {what}\n{tails}")


@pytest.fixture
def balanced(tmp_path):
    system_packages.require(HAPROXY, "haproxy")
    balancer, stats, ports = free_port(), free_port(), [free_port(), free_port()]
    config = tmp_path / "haproxy.cfg"
    config.write_text(rendered(balancer, stats, ports))
    env = environment() | {"PUBLIC_URL": f"http://127.0.0.1:{balancer}", "LOG_LEVEL": "WARNING"}
    commands = {
        **{
            f"web{n}": [
                sys.executable,
                "manage.py",
                "serve",
                "--no-workers",
                "--proxy-headers",
                "--port",
                str(port),
            ]
            for n, port in enumerate(ports, start=1)
        },
        "router": [sys.executable, "manage.py", "run_router", "--no-outbox"],
        "haproxy": [HAPROXY, "-db", "-f", str(config)],
    }
    logs = [tmp_path / f"{name}.log" for name in commands]
    processes = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        for (name, command), log in zip(commands.items(), logs, strict=True)
    }
    try:
        wait_for(
            "both servers UP behind HAProxy",
            lambda: server_states(stats) == {"web1": "UP", "web2": "UP"},
            processes,
            logs,
        )
        yield {"base": f"http://127.0.0.1:{balancer}", "stats": stats, **processes}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
        wait_until_alone()


async def open_socket(base: str, path: str, cookie: str | None = None):
    """A WebSocket through the balancer, and the name of the server it landed on."""
    socket = await websockets.connect(
        f"{base.replace('http', 'ws', 1)}{path}",
        origin=base,
        additional_headers={"Cookie": cookie} if cookie else None,
    )
    return socket, socket.response.headers["X-Served-By"]


async def chat_across_servers(base: str) -> tuple[str, str]:
    cookie, token = await a_chat_center(base)
    visitor, visitor_server = await open_socket(base, f"/ws/webchat/?token={token}")
    # leastconn sends the next socket to the other server; should it not, ask again.
    for _ in range(5):
        console, agent_server = await open_socket(base, "/ws/agent/", cookie)
        if agent_server != visitor_server:
            break
        await console.close()
    async with visitor, console:
        assert agent_server != visitor_server, "both sockets landed on one server"
        await greet_accept_reply(
            visitor, console, "Hi through HAProxy", "Hello from the other server"
        )
    return visitor_server, agent_server


def test_haproxy_balances_http_and_websockets_and_drops_a_dead_server(balanced):
    base, stats = balanced["base"], balanced["stats"]

    # Plain HTTP, a new connection each time: both servers answer.
    served = []
    for _ in range(10):
        status, headers, _ = get(f"{base}/healthz")
        assert status == 200
        served.append(headers["X-Served-By"])
    assert set(served) == {"web1", "web2"}, served

    # A visitor on one server, an agent on the other: Redis carries the chat between them.
    visitor_server, agent_server = asyncio.run(chat_across_servers(base))
    assert {visitor_server, agent_server} == {"web1", "web2"}

    # web2 dies without a goodbye. Requests keep succeeding (a refused connection is retried
    # on web1) until the health check marks it DOWN, and after.
    balanced["web2"].send_signal(signal.SIGKILL)
    balanced["web2"].wait(timeout=30)
    answers = []
    deadline = time.monotonic() + 30
    while server_states(stats).get("web2", "").split(" ")[0] != "DOWN":
        assert time.monotonic() < deadline, f"web2 never marked DOWN: {server_states(stats)}"
        status, headers, _ = get(f"{base}/healthz")
        answers.append((status, headers.get("X-Served-By")))
        time.sleep(0.2)
    assert server_states(stats) == {"web1": "UP", "web2": "DOWN"}
    for _ in range(10):
        status, headers, _ = get(f"{base}/healthz")
        answers.append((status, headers.get("X-Served-By")))
    assert answers and all(answer == (200, "web1") for answer in answers), answers
