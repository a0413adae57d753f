"""Django's migrate, run as the database owner when DATABASE_OWNER_URL is set, then granting
the application's role (DATABASE_URL's user) what it needs and no more (docs/deploy.md)."""

from django.core.management.commands import migrate
from django.db import connections

from contactcenter.privacy import database_roles, owner_connection


class Command(migrate.Command):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if not owner_connection.configured() or connection.vendor != "postgresql":
            return super().handle(*args, **options)
        app_role = owner_connection.app_role(connection)
        with owner_connection.as_owner(connection):
            result = super().handle(*args, **options)
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                owner = cursor.fetchone()[0]
                if app_role and app_role != owner:
                    for statement in database_roles.grant_statements(app_role, owner):
                        cursor.execute(statement)
        return result
