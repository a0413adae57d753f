"""`manage.py run_workers`: a worker process running every registered background loop."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from contactcenter import startup
from contactcenter.workers import registry, supervision


class Command(BaseCommand):
    help = (
        "Run the platform's background loops (router, timers, outbox, projections, webhooks, "
        "alerts, …: every loop apps register) as one worker process. Run as many as you like; "
        "they share the work through row locks. Exits non-zero when a loop cannot recover, so "
        "a process supervisor restarts it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="router", help="the router's name in the logs")
        parser.add_argument(
            "--only", action="append", default=[], metavar="LOOP", help="run only these loops"
        )
        parser.add_argument(
            "--exclude", action="append", default=[], metavar="LOOP", help="leave these out"
        )

    def handle(self, *args, name, only, exclude, **options):
        self.run(name=name, only=frozenset(only), exclude=frozenset(exclude))

    def run(self, *, name: str, only: frozenset[str], exclude: frozenset[str]) -> None:
        stop = threading.Event()

        def shut_down(signum, frame):
            self.stdout.write(f"{name}: stopping")
            stop.set()

        try:
            services = registry.build("standalone", only=only, exclude=exclude, name=name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        supervisor = supervision.Supervisor(services, on_fatal=lambda reason: stop.set())
        signal.signal(signal.SIGTERM, shut_down)
        signal.signal(signal.SIGINT, shut_down)
        startup.done()
        supervisor.start()
        self.stdout.write(f"{name}: running {', '.join(supervisor.names)} ({connection.vendor})")
        self.stdout.flush()
        stop.wait()
        supervisor.stop()
        if supervisor.fatal:
            self.stderr.write(f"{name}: exiting: {supervisor.fatal}")
            self.stderr.flush()
            raise SystemExit(1)
