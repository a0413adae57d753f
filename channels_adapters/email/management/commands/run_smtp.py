"""`python manage.py run_smtp --port N`: the inbound SMTP listener as a process of its own."""

import signal
import threading

from django.core.management.base import BaseCommand

from channels_adapters.email.listener import SmtpListener
from contactcenter import startup


class Command(BaseCommand):
    help = "Receive e-mail for the configured inboxes over SMTP (aiosmtpd)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=2525, help="port (0: any free one)")
        parser.add_argument("--threads", type=int, default=4, help="intake worker threads")

    def handle(self, *args, host, port, threads, **options):
        listener = SmtpListener(host=host, port=port, threads=threads)
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        startup.done()
        listener.start()
        self.stdout.write(f"SMTP listener on {listener.host}:{listener.port}")
        self.stdout.flush()
        while not stopping.wait(1):
            pass
        listener.stop()
        listener.join(timeout=5)
        self.stdout.write("SMTP listener stopped")
