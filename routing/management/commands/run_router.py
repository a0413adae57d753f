"""`manage.py run_router`: the name `run_workers` had before it ran every registered loop;
kept so existing deployments keep working. `--no-X` leaves loop X out."""

from contactcenter.workers.management.commands import run_workers


class Command(run_workers.Command):
    help = "Alias of run_workers (every background loop; --no-projections etc. leave one out)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for loop in ("projections", "outbox", "webhooks", "alerts"):
            parser.add_argument(
                f"--no-{loop}",
                action="append_const",
                const=loop,
                dest="exclude",
                help=f"do not also run the {loop} loop",
            )
