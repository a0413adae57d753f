from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from contactcenter.events import projections, store


class Command(BaseCommand):
    help = (
        "Replay the event log from position 0 into projections (all, or the one named), "
        "arriving at exactly the state the live system keeps."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="one projection; omit for all of them")
        parser.add_argument("--batch", type=int, default=5000, help="events per read")
        parser.add_argument("--list", action="store_true", help="list the projections")

    def handle(self, *args, name=None, batch=5000, list=False, **options):
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
