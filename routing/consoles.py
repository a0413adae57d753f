"""Presence follows the console: which agents have a console open, across server processes.

Each server process keeps a lease (`ConsoleServer`, renewed every few seconds) and one row per
open agent socket (`ConsoleSocket`). When an agent's last socket goes — closed, silent past
the WebSocket ping timeout, or its process's lease expired because the process died — the
agent is `AgentDisconnected`: offers stop at once, any offer out to them is withdrawn (the work
keeps its place at the head of the line), and unless a console comes back within
`CONSOLE_GRACE_SECONDS` (a reload does) the router turns them offline (reason
`disconnected`). A console that comes back within the grace is `AgentReconnected`.

The sockets are operational bookkeeping, not facts of the business: plain rows, never in the
log. The facts — disconnected, reconnected, offline — are events on the agent's stream.
"""

import contextlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.workers.loop import Loop
from contactcenter.workers.supervision import PROCESS
from routing import presence
from routing.models import AgentState, ConsoleServer, ConsoleSocket

log = logging.getLogger(__name__)

RENEW_EVERY_SECONDS = 5.0


def lease_seconds() -> float:
    return float(settings.CONSOLE_LEASE_SECONDS)


def grace_seconds() -> float:
    return float(settings.CONSOLE_GRACE_SECONDS)


# -- this process's sockets --------------------------------------------------------------------

_mine: dict[str, int] = {}  # channel name -> agent id, for the sockets this process holds
_mine_lock = threading.Lock()
_keeper: Loop | None = None


def opened(agent_id: int, channel_name: str) -> None:
    """An agent's console socket opened on this process (on a database thread)."""
    with _mine_lock:
        _mine[channel_name] = agent_id
    try:
        _renew_lease()
    finally:
        # Started once the lease is written (or failed to be: the keeper tries again): its
        # first round, at once on its own thread, would otherwise find the lease lapsed and
        # open this agent's sockets a second time, holding her row while a router passed her
        # over.
        _start_keeper()
    _open(agent_id, channel_name)


def closed(agent_id: int, channel_name: str) -> None:
    """It closed (or Daphne gave up on its pings)."""
    with _mine_lock:
        _mine.pop(channel_name, None)
    _close(agent_id, channel_name, why="closed")


@command
def _open(agent_id: int, channel_name: str) -> None:
    state = _locked_state(agent_id)
    # Asked under the agent's lock, which the close takes too: the lease keeper opens again
    # from a copy of `_mine`, and a socket that closed since must not come back as a row.
    with _mine_lock:
        if channel_name not in _mine:
            return
    ConsoleSocket.objects.update_or_create(
        pk=channel_name,
        defaults={"agent_id": agent_id, "process": PROCESS, "opened_at": clock.now()},
    )
    if state is not None and state.disconnected_since is not None:
        agent = presence.AgentPresence.load(agent_id)
        aggregates.append(agent, agent.reconnect())


@command
def _close(agent_id: int, channel_name: str, why: str) -> None:
    _locked_state(agent_id)
    ConsoleSocket.objects.filter(pk=channel_name).delete()
    if not _live_sockets(agent_id):
        lose(agent_id, why)


def _locked_state(agent_id: int) -> AgentState | None:
    """The agent's row, locked: one agent's opens and closes happen one after another, so a
    reload's close and open cannot both miss each other."""
    return AgentState.objects.select_for_update().filter(pk=agent_id).first()


def _live_sockets(agent_id: int) -> int:
    alive = ConsoleServer.objects.filter(lease_until__gt=clock.now()).values("process")
    return ConsoleSocket.objects.filter(agent_id=agent_id, process__in=alive).count()


@command
def lose(agent_id: int, why: str) -> bool:
    """The agent has no console left: stop offers, withdraw the one out, start the grace."""
    if not AgentState.objects.filter(pk=agent_id).exists():
        return False
    agent = presence.AgentPresence.load(agent_id)
    grace_until = clock.now() + timedelta(seconds=grace_seconds())
    events = agent.disconnect(grace_until, why)
    if not events:
        return False
    # The softphone lived in that console: no calls until a console turns it on again.
    aggregates.append(agent, events + agent.softphone(False, presence.CONSOLE_GONE))
    for interaction_id, item in agent.state.work.items():
        if item["state"] == "offered":
            with contextlib.suppress(DomainError):  # answered or timed out meanwhile
                interactions.decide_and_append(
                    interaction_id, lambda i: i.withdraw_offer("the agent's console went away")
                )
    log.info("agent %s disconnected (%s); offline at %s unless back", agent_id, why, grace_until)
    return True


@command
def end_grace(agent_id: int) -> None:
    """The grace period is over and no console came back: offline (disconnected)."""
    state = AgentState.objects.filter(pk=agent_id).first()
    if state is None or state.disconnected_since is None:
        return
    presence.set_presence(agent_id, "offline", presence.DISCONNECTED, changed_by="system")


# -- leases ----------------------------------------------------------------------------------


def _renew_lease() -> None:
    """Keep this process's lease; if it had lapsed (the database was away longer than the
    lease, say) its sockets were swept: write them down again."""
    now = clock.now()
    lease_until = now + timedelta(seconds=lease_seconds())
    lapsed = not ConsoleServer.objects.filter(process=PROCESS, lease_until__gt=now).exists()
    ConsoleServer.objects.update_or_create(process=PROCESS, defaults={"lease_until": lease_until})
    if lapsed:
        with _mine_lock:
            mine = dict(_mine)
        for channel_name, agent_id in mine.items():
            _open(agent_id, channel_name)


def _keep_lease() -> int:
    with _mine_lock:
        idle = not _mine
        if idle and _keeper is not None:
            _keeper.stop()  # no sockets here: no lease needed until the next one opens
    if idle:
        ConsoleServer.objects.filter(process=PROCESS).delete()
    else:
        _renew_lease()
    return 0


def _start_keeper() -> None:
    """The lease keeper of a server process: runs while it holds agent sockets."""
    global _keeper
    with _mine_lock:
        if _keeper is not None and _keeper.is_alive() and not _keeper.stopping:
            return
        _keeper = Loop("console-lease", _keep_lease, idle=RENEW_EVERY_SECONDS)
        _keeper.start()


def sweep() -> int:
    """Sockets of processes whose lease ran out are gone: their agents are disconnected
    (unless they have a console elsewhere). Any worker may sweep; they share by row lock."""
    now = clock.now()
    swept = 0
    expired = list(
        ConsoleServer.objects.filter(lease_until__lte=now).values_list("process", flat=True)
    )
    for process in expired:
        swept += _sweep_process(process)
    return swept


@command
def _sweep_process(process: str) -> int:
    server = (
        ConsoleServer.objects.select_for_update(skip_locked=True)
        .filter(process=process, lease_until__lte=clock.now())
        .first()
    )
    if server is None:
        return 0  # renewed meanwhile, or another worker has it
    agents = set(ConsoleSocket.objects.filter(process=process).values_list("agent_id", flat=True))
    ConsoleSocket.objects.filter(process=process).delete()
    server.delete()
    for agent_id in sorted(agents):
        if not _live_sockets(agent_id):
            lose(agent_id, "server_gone")
    log.warning(
        "server %s stopped renewing its lease: %d agents' consoles dropped", process, len(agents)
    )
    return 1


def sweeper(**options) -> Loop:
    return Loop("consoles", sweep, idle=RENEW_EVERY_SECONDS)


def forget_this_process() -> None:
    """At a clean shutdown: this process's sockets are closed; its agents are handled as if
    each socket closed (they reconnect to another server within the grace)."""
    with contextlib.suppress(Exception):
        close_old_connections()
        with _mine_lock:
            mine = dict(_mine)
            _mine.clear()
            keeper = _keeper
        # No sockets, no lease: the keeper goes now rather than noticing at its next round,
        # up to RENEW_EVERY_SECONDS into the shutdown.
        if keeper is not None:
            keeper.stop()
        for channel_name, agent_id in mine.items():
            _close(agent_id, channel_name, why="closed")
        ConsoleServer.objects.filter(process=PROCESS).delete()
        connection.close()
