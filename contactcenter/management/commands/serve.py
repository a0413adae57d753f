"""The embedded platform in one process: Daphne (HTTP and WebSockets) plus the background loops
(projections, router, SMTP listener) as threads. `make run` uses it."""

import asyncio
import functools
import logging
import os
import pprint
import signal
import sys
import threading
import traceback

from daphne.endpoints import build_endpoint_description_strings
from daphne.server import Server
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.management.base import BaseCommand
from twisted.internet import defer, reactor  # the asyncio reactor: daphne.server installed it

from contactcenter import public_url, startup
from contactcenter.demo import PASSWORD
from contactcenter.workers import supervision
from routing import consoles

log = logging.getLogger(__name__)


class _Later:
    """`function(*args, **kwargs)`, made only when it is written out."""

    __slots__ = ("args", "function", "kwargs")

    def __init__(self, function, args, kwargs) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs

    def __str__(self) -> str:
        return str(self.function(*self.args, **self.kwargs))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _later(function):
    return lambda *args, **kwargs: _Later(function, args, kwargs)


def format_debug_lines_lazily() -> None:
    """autobahn builds the arguments of its debug lines whether debug is on or not: it
    pretty-printed its thirty-odd settings at every WebSocket connection (1.3 % of the
    servers' CPU for a chat in the phase profile), and it colours a function's name, a peer
    and a length with click at every frame it sends or reads (2.8 %; issue 18). Its log
    lines make them only where debug is on."""
    import autobahn.twisted.websocket
    import autobahn.websocket.protocol
    from autobahn import util

    autobahn.websocket.protocol.pformat = _later(pprint.pformat)
    # The one use of it that is no log line: a str must be a str.
    autobahn.websocket.protocol.Timings.__str__ = lambda self: pprint.pformat(self._timings)
    for module in (autobahn.websocket.protocol, autobahn.twisted.websocket):
        module.hltype = _later(util.hltype)
        module.hlval = _later(util.hlval)


def parse_content_types_once() -> None:
    """Twisted reads every request's Content-Type through the standard library's e-mail
    package (an `EmailMessage` a request, to tell a form from anything else): 7.8 % of the
    web chat's token request in the phase profile (issue 18), and as much of every webhook.
    A server meets few distinct values; each is parsed once (the answer is bytes, the same
    for the same header)."""
    from twisted.web import http

    parse = http._parseContentType
    if not hasattr(parse, "cache_info"):
        http._parseContentType = functools.lru_cache(maxsize=64)(parse)


class Command(BaseCommand):
    help = "Run the whole platform in this process (web, WebSockets, router, SMTP listener)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--smtp-port",
            type=int,
            default=2525,
            help="inbound SMTP listener port (0: no listener)",
        )
        parser.add_argument(
            "--no-workers",
            action="store_true",
            help="web only: run the router and projections elsewhere",
        )
        parser.add_argument(
            "--proxy-headers",
            action="store_true",
            help="behind a load balancer that sets X-Forwarded-For/-Proto/-Port (and drops "
            "what clients send in them): take the client's address and scheme from them",
        )

    def handle(self, *args, host, port, smtp_port, no_workers, proxy_headers, **options):
        # Before anything reads it: the SMTP listener names itself after PUBLIC_URL's host.
        public = public_url.follow_listener(host, port)
        from contactcenter.asgi import application

        supervisor = None
        if not no_workers:
            supervisor = supervision.start(
                "embedded", on_fatal=self._exit_soon, smtp_port=smtp_port, host=host
            )
        base = f"http://{host}:{port}"
        self.stdout.write(
            self._banner(base, public, smtp_port, supervisor.names if supervisor else [])
        )
        server = Server(
            application=ASGIStaticFilesHandler(application),
            endpoints=build_endpoint_description_strings(host=host, port=port),
            signal_handlers=True,
            # Pings find a socket whose peer went silent (a laptop asleep, a cut network)
            # within ping + timeout seconds; its agent's presence follows (routing/consoles.py).
            ping_interval=settings.WEBSOCKET_PING_SECONDS,
            ping_timeout=settings.WEBSOCKET_PING_TIMEOUT_SECONDS,
            # The per-address limits (web chat, web calls, logins) count the client, not the
            # balancer, only when its address comes from the header (docs/deploy.md).
            **(PROXY_HEADERS if proxy_headers else {}),
            verbosity=options["verbosity"],
        )
        reactor.addSystemEventTrigger("before", "shutdown", _channels_stopping)
        format_debug_lines_lazily()
        parse_content_types_once()
        startup.done()
        try:
            server.run()
        finally:
            consoles.forget_this_process()
            if supervisor is not None:
                supervisor.stop()
        # Non-zero when a loop cannot recover: let the process be restarted.
        code = 1 if supervisor is not None and supervisor.fatal else 0
        # The exit joins the threads left; one can wait forever: a request that arrived as the
        # server stopped waits on the closed event loop (asgiref). So the exit gets a bound,
        # after which the process leaves without them (a clean exit closes the databases).
        watchdog = threading.Timer(EXIT_SECONDS, _leave_now, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        if code:
            raise SystemExit(code)

    def _exit_soon(self, reason: str) -> None:
        """From the watchdog: stop Daphne as a SIGTERM would; `handle` then exits non-zero."""
        os.kill(os.getpid(), signal.SIGTERM)

    def _banner(self, base: str, public: str, smtp_port: int, loops: list[str]) -> str:
        running = ", ".join(loops) or "none (--no-workers)"
        lines = [
            "",
            "Contact center is starting.",
            f"  Agent console     {base}/console/",
            f"  Supervisor views  {base}/supervisor/",
            f"  Admin             {base}/admin/",
            f"  Web chat demo     {base}/demo/widget/",
            f"  REST API docs     {base}/api/docs/",
            f"  Health            {base}/healthz",
            f"  PUBLIC_URL        {public} (provider signatures are checked against it)",
        ]
        if smtp_port:
            lines.append(f"  Inbound SMTP      smtp://127.0.0.1:{smtp_port}")
        lines += [
            f"  Background loops  {running}",
            f"  Logins            admin, supervisor, agent1 … agent6 — password {PASSWORD!r}",
            f"  Database          {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}",
            "",
        ]
        return "\n".join(lines)


def _channels_stopping() -> defer.Deferred | None:
    """Before the loop closes: what each channel ends as the process stops (base.Channel's
    `stopping`), bounded, so a stuck leg cannot hold the shutdown."""
    from channels_adapters import base

    hooks = [channel.stopping() for channel in base.channels() if channel.stopping]
    if not hooks:
        return None
    ending = asyncio.wait_for(asyncio.gather(*hooks, return_exceptions=True), STOPPING_SECONDS)
    return defer.Deferred.fromFuture(asyncio.ensure_future(ending))


STOPPING_SECONDS = 10
PROXY_HEADERS = {
    "proxy_forwarded_address_header": "X-Forwarded-For",
    "proxy_forwarded_port_header": "X-Forwarded-Port",
    "proxy_forwarded_proto_header": "X-Forwarded-Proto",
}
EXIT_SECONDS = 5


def _leave_now(code: int) -> None:
    frames = sys._current_frames()
    held = [
        t.name + " at " + "".join(traceback.format_stack(frames[t.ident], limit=8))
        for t in threading.enumerate()
        if not t.daemon and t is not threading.main_thread() and t.ident in frames
    ]
    log.warning(
        "the exit waited %s s for threads that cannot finish; leaving without them: %s",
        EXIT_SECONDS,
        "; ".join(held) or "none left",
    )
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
