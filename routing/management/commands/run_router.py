import signal
import threading

from django.core.management.base import BaseCommand
from django.db import connection

from contactcenter.outbox import outbox_loop
from contactcenter.webhooks.delivery import webhook_loop
from contactcenter.workers import projection_follower
from routing import router


class Command(BaseCommand):
    help = (
        "Run a routing worker: offers waiting work to agents, fires timers (offer timeouts, "
        "wrap-up limits, overflow steps), records business-hours changes. Run as many as you "
        "like; they share the work through row locks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="router", help="name in the logs")
        parser.add_argument(
            "--no-projections",
            action="store_true",
            help="do not also follow the catch-up projections",
        )
        parser.add_argument(
            "--no-outbox", action="store_true", help="do not also deliver outbound messages"
        )
        parser.add_argument(
            "--no-webhooks", action="store_true", help="do not also deliver outgoing webhooks"
        )

    def handle(self, *args, name, no_projections, no_outbox, no_webhooks, **options):
        loop = router.router_loop(name)
        stop = threading.Event()
        loops = [loop]
        if not no_projections:
            loops.append(projection_follower())
        if not no_outbox:
            loops.append(outbox_loop())
        if not no_webhooks:
            loops.append(webhook_loop())
        if connection.vendor == "postgresql":
            router.listen_for_wakeups(loop, stop)

        def shut_down(signum, frame):
            self.stdout.write(f"{name}: stopping")
            stop.set()
            for each in loops:
                each.stop()

        signal.signal(signal.SIGTERM, shut_down)
        signal.signal(signal.SIGINT, shut_down)
        for each in loops:
            each.start()
        self.stdout.write(f"{name}: routing ({connection.vendor})")
        while any(each.is_alive() for each in loops):
            for each in loops:
                each.join(timeout=0.5)
