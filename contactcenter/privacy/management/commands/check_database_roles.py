"""Exits non-zero unless the application's database role can only INSERT and SELECT on the
event log (docs/deploy.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from contactcenter.privacy import database_roles


class Command(BaseCommand):
    help = "Verify the application's database role may only INSERT and SELECT on the event log."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"{connection.vendor} has no database roles: the event log is append-only by "
                "its triggers alone; least privilege needs PostgreSQL (docs/deploy.md)"
            )
        with connection.cursor() as cursor:
            found = database_roles.problems(cursor)
        if found:
            raise CommandError(
                "the application's database role may do more than INSERT and SELECT on the "
                "event log:\n  " + "\n  ".join(found) + "\nSee docs/deploy.md."
            )
        self.stdout.write("ok: the application's role may only INSERT and SELECT on event_log")
