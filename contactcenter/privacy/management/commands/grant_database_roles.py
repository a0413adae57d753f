"""Run as the owner after `migrate`: the application's role gets what it needs on every table
and only INSERT and SELECT on the event log (docs/deploy.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from contactcenter.privacy import database_roles


class Command(BaseCommand):
    help = "Grant the application's role its privileges (run as the database owner)."

    def add_arguments(self, parser):
        parser.add_argument("app_role", help="the role the application connects as")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, app_role: str, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("database roles need PostgreSQL")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            for statement in database_roles.grant_statements(app_role, owner):
                cursor.execute(statement)
        self.stdout.write(f"granted {app_role} its privileges (owner: {owner})")
