"""Issue 14.1 with real processes: an agent whose console's peer goes silent (a laptop asleep,
a cut network: here a client process frozen with SIGSTOP) is disconnected within 20 s by the
server's WebSocket pings; the agents of a server process that is killed drop when its lease
runs out."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.faults.deployment import ROOT, Deployment, log_in

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
LEASE = 6


@pytest.fixture(scope="module")
def deployment():
    deployment = Deployment(
        CONSOLE_LEASE_SECONDS=str(LEASE),
        WEBSOCKET_PING_SECONDS="2",
        WEBSOCKET_PING_TIMEOUT_SECONDS="5",
    )
    yield deployment
    deployment.close()


CONSOLE = textwrap.dedent(
    """
    import sys
    import time

    from websockets.sync.client import connect

    base, cookie = sys.argv[1], sys.argv[2]
    ws = connect(base.replace("http", "ws") + "/ws/agent/", origin=base,
                 additional_headers={"Cookie": cookie})
    ws.send('{"type": "presence", "presence": "available", "ref": "p"}')
    while '"ref": "p"' not in ws.recv(timeout=30):  # else the test waits on our line forever
        pass
    print("ready", flush=True)
    time.sleep(600)
    """
)


def open_console(base: str, cookie: str) -> subprocess.Popen:
    """An agent's console in a process of its own (so it can be frozen or killed)."""
    process = subprocess.Popen(
        [sys.executable, "-c", CONSOLE, base, cookie],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def disconnections(deployment: Deployment, username: str) -> list[dict]:
    return [
        row[0]
        for row in deployment.sql(
            "SELECT e.data FROM event_log e JOIN auth_user u ON e.stream_id = 'agent-' || u.id "
            "WHERE u.username = %s AND e.type = 'AgentDisconnected' ORDER BY e.position",
            (username,),
        )
    ]


def within(seconds: float, condition) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.25)
    return time.monotonic() - started


def test_a_console_that_stops_answering_is_dropped_within_twenty_seconds(deployment):
    web = deployment.server("web-ping")
    cookie = log_in(web.base, "agent4")
    console = open_console(web.base, cookie)
    try:
        os.kill(console.pid, signal.SIGSTOP)  # asleep: no pongs, no close frame
        within(20, lambda: disconnections(deployment, "agent4"))
    finally:
        console.kill()
    assert disconnections(deployment, "agent4")[-1]["why"] == "closed"


def test_the_agents_of_a_killed_server_drop_within_the_lease(deployment):
    doomed = deployment.server("web-doomed")
    deployment.workers("sweeper", "--only", "consoles", "--only", "router")
    cookie = log_in(doomed.base, "agent5")
    console = open_console(doomed.base, cookie)
    try:
        doomed.kill()  # SIGKILL: no socket closes, no goodbye
        # The lease runs out, then the next sweep (every 5 s) drops the agent.
        within(LEASE + 5 + 5, lambda: disconnections(deployment, "agent5"))
    finally:
        console.kill()
    assert disconnections(deployment, "agent5")[-1]["why"] == "server_gone"
