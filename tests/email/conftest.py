"""What the e-mail tests share: an inbox wired to a queue, our SMTP listener on a free
loopback port, an SMTP sink standing in for the outbound mail server, and mail builders."""

import asyncio
import smtplib
import socket
import threading
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from aiosmtpd.smtp import SMTP
from django.test import override_settings

from channels_adapters.email.listener import SmtpListener
from channels_adapters.email.models import EmailChannel
from tests.routing.builders import a_queue

INBOX = "support@example.com"


@pytest.fixture(autouse=True)
def _forget_cached_configuration():
    """Routing and the inboxes keep their configuration for a moment per process: do not let
    this test's queues and channels outlive it into the next test."""
    from channels_adapters.email import inboxes
    from routing import config

    yield
    config.invalidate()
    inboxes.forget()


@pytest.fixture
def channel():
    queue = a_queue("Email support", entry=None)
    return EmailChannel.objects.create(
        name="Support", addresses=INBOX, queue=queue, from_name="Example Support"
    )


@pytest.fixture
def listener(channel):
    smtp = SmtpListener(host="127.0.0.1", port=0, threads=2)
    smtp.start()
    yield smtp
    smtp.stop()
    smtp.join(timeout=5)


def send(listener, message, *, sender: str | None = None, to=(INBOX,)) -> dict:
    """Send like a mail server would: SMTP to our listener. Returns refused recipients."""
    with smtplib.SMTP(listener.host, listener.port, timeout=20) as client:
        if isinstance(message, bytes):
            envelope = "customer@example.org" if sender is None else sender
            return client.sendmail(envelope, list(to), message)
        return client.send_message(message, from_addr=sender, to_addrs=list(to))


def mail(
    *,
    sender: str = "Carla Díaz <carla@example.org>",
    to: str = INBOX,
    subject: str = "My order has not arrived",
    text: str | None = "Order 1234 is late.",
    html: str | None = None,
    message_id: str | None = None,
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message


class Sink:
    """An SMTP server of the test's own on a free loopback port: it keeps what it is sent,
    and answers DATA with each of `refusals` in turn (e.g. "451 4.3.0 busy") before 250."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refusals: list[str] = []
        self.always: str | None = None
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    async def handle_DATA(self, server, session, envelope):
        if self.always:
            return self.always
        if self.refusals:
            return self.refusals.pop(0)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 queued"

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.loop.create_server(
                lambda: SMTP(self, hostname="sink.test", loop=self.loop), sock=self.sock
            )
        )
        self._ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.close()

    def __enter__(self):
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


@pytest.fixture
def sink():
    with Sink() as server:
        mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
        with override_settings(MAILERS={"default": mailer}):
            yield server
