from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from contactcenter.events import drift, projections, store

# Rows of drift printed by --compare; the count says how many more there are.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Replay the event log from position 0 into projections (all, or the one named), "
        "arriving at exactly the state the live system keeps."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="one projection; omit for all of them")
        parser.add_argument("--batch", type=int, default=5000, help="events per read")
        parser.add_argument("--list", action="store_true", help="list the projections")
        parser.add_argument(
            "--compare",
            action="store_true",
            help="say which rows the rebuild changed (the projections had drifted from the "
            "log) and exit with an error if any did; catch-up projections are caught up "
            "first. Run it with the writers stopped: a write between the two readings would "
            "count as drift",
        )

    def handle(self, *args, name=None, batch=5000, list=False, compare=False, **options):
        known = projections.all_projectors()
        if list:
            for projector in known.values():
                kind = "catch-up" if projector.catch_up else "inline"
                tables = ", ".join(m._meta.db_table for m in projector.models)
                self.stdout.write(f"{projector.name:24} {kind:9} {tables}")
            return
        try:
            chosen = [projections.get(name)] if name else known.values()
        except LookupError as error:
            raise CommandError(str(error)) from None
        total = store.count()
        if compare:
            for projector in chosen:
                # What a follower has yet to read is not drift.
                while projector.catch_up and projections.catch_up(projector):
                    pass
        live = drift.rows(chosen) if compare else {}
        for projector in chosen:
            with tqdm(
                total=total,
                desc=projector.name,
                unit="ev",
                unit_scale=True,
                disable=options["verbosity"] == 0,
                file=self.stderr._out,
            ) as bar:
                replayed = projections.rebuild(projector, batch=batch, progress=bar.update)
            self.stdout.write(f"{projector.name}: replayed {replayed} events")
        if compare:
            self._compare(live, drift.rows(chosen))

    def _compare(self, live: drift.Rows, rebuilt: drift.Rows) -> None:
        drifts = drift.compared(live, rebuilt)
        rows, tables = drift.counted(rebuilt), len(rebuilt)
        if not drifts:
            self.stdout.write(f"the rebuild changed none of the {rows} rows in {tables} tables")
            return
        for found in drifts[:SHOWN]:
            self.stdout.write(f"  {found}")
        if len(drifts) > SHOWN:
            self.stdout.write(f"  and {len(drifts) - SHOWN} more")
        raise CommandError(
            f"the rebuild changed {len(drifts)} of {rows} rows: the projections had drifted "
            "from the log (the rebuilt rows are now in place)"
        )
