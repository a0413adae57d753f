"""The inbound SMTP listener (aiosmtpd): `manage.py run_smtp`, and a thread of `make run`.

RCPT TO is answered from the configured inboxes (550 for any other address); DATA is taken
into the log before we answer 250, so a 250 means the interaction exists and is queued. A
message we can never take gets a 5xx with the reason; a failure of ours (the database) a 451,
so the sending server keeps the message and tries again: nothing is lost either way. Django
work runs on a small thread pool, never on the event loop.
"""

import asyncio
import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from channels_adapters.email import intake
from channels_adapters.email.inboxes import Inbox, active_channels, resolve
from channels_adapters.email.models import MB
from contactcenter.workers.loop import Health

log = logging.getLogger(__name__)
INTAKE_THREADS = 4
ENHANCED = {550: "5.1.1", 552: "5.3.4", 554: "5.6.0"}


def _line(text: str, limit: int = 400) -> str:
    return " ".join(text.split())[:limit]


def deliver(raw: bytes, mail_from: str | None, rcpt_tos: list[str]) -> str:
    """Take one SMTP transaction's message for each inbox it was addressed to; the reply."""
    close_old_connections()
    try:
        by_inbox: dict[str, tuple[Inbox, list[str]]] = {}
        for address in rcpt_tos:
            inbox = resolve(address, intake="smtp")
            if inbox is not None:
                by_inbox.setdefault(inbox.address, (inbox, []))[1].append(address)
        if not by_inbox:
            return "554 5.1.1 none of the recipients is an inbox here any more"
        taken = []
        for inbox, recipients in by_inbox.values():
            outcome = intake.receive(
                inbox, raw, envelope_from=mail_from, recipients=tuple(recipients), via="smtp"
            )
            taken.append(outcome.interaction_id or outcome.dropped or "recorded")
        return f"250 2.0.0 OK {_line(', '.join(taken), 200)}"
    except intake.Refused as refusal:
        code = refusal.code
        return f"{code} {ENHANCED.get(code, '5.0.0')} {_line(refusal.reason)}"
    except Exception:
        log.exception("taking an SMTP message failed; the sender will retry")
        return "451 4.3.0 temporary failure on our side, please try again later"
    finally:
        close_old_connections()


class InboxHandler:
    """aiosmtpd hooks; the Django work goes to `executor`."""

    def __init__(self, executor: ThreadPoolExecutor):
        self.executor = executor

    async def _run(self, fn: Callable, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ) -> str:
        inbox = await self._run(_resolve, address)
        if inbox is None:
            return f"550 5.1.1 <{_line(address, 200)}>: no inbox by that address here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return await self._run(deliver, envelope.content, envelope.mail_from, envelope.rcpt_tos)


def _resolve(address: str) -> Inbox | None:
    close_old_connections()
    try:
        return resolve(address, intake="smtp")
    finally:
        close_old_connections()


def _size_limit() -> int:
    """What SIZE we announce: the largest of the inboxes' limits (each inbox checks its own)."""
    limits = [channel.max_message_bytes for channel in active_channels(intake="smtp")]
    return max(limits, default=25 * MB)


class SmtpListener:
    """An SMTP server on its own event-loop thread, with the surface of a workers.Loop:
    `name`, `start()`, `stop()`, `join(timeout)`, `health()`. The socket is bound in the
    constructor, so a port in use fails at once, and port 0 picks a free one (see `.port`)."""

    name = "smtp"

    def __init__(self, host: str = "127.0.0.1", port: int = 2525, threads: int = INTAKE_THREADS):
        self.sock = socket.create_server((host, port))
        self.host, self.port = self.sock.getsockname()[:2]
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="smtp-intake")
        self.hostname = urlsplit(settings.PUBLIC_URL).hostname or "localhost"
        self.data_size_limit = _size_limit()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="smtp", daemon=True)
        self._started_at = timezone.now()
        # aiosmtpd logs every SMTP command at INFO: too much for a server's log.
        logging.getLogger("mail.log").setLevel(logging.WARNING)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)
        log.info("SMTP listener on %s:%s", self.host, self.port)

    def _factory(self) -> SMTP:
        return SMTP(
            InboxHandler(self.executor),
            data_size_limit=self.data_size_limit,
            hostname=self.hostname,
            ident="contact center",
            loop=self._loop,
        )

    def _serve(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(loop.create_server(self._factory, sock=self.sock))
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    def stop(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def health(self) -> Health:
        """Healthy while its thread serves: it has no rounds to fail, and a mail that cannot
        be taken is answered to its sender, not counted against the listener."""
        return Health(
            name=self.name,
            alive=self.is_alive(),
            started_at=self._started_at,
            last_success_at=None,
            rounds=0,
            failures=0,
            failing_for=0.0,
            busy_for=0.0,
            last_error="",
        )


def embedded(smtp_port: int = 0, host: str = "127.0.0.1", **options) -> SmtpListener | None:
    """For `manage.py serve` (make run): the listener beside the web server, or none."""
    if not smtp_port:
        return None
    return SmtpListener(host=host, port=smtp_port)
