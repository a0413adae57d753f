"""PostgreSQL: TRUNCATE of the event log is refused by a trigger too (row triggers, which
refuse UPDATE and DELETE, never see a TRUNCATE). Only the owner can get past it, by disabling
the trigger for one transaction (contactcenter/privacy/database_roles.py: tests, benchmarks).
SQLite has no TRUNCATE."""

from django.db import migrations

CREATE = """
CREATE FUNCTION event_log_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_log is append-only: TRUNCATE refused'
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS event_log_no_truncate ON event_log;
DROP FUNCTION IF EXISTS event_log_refuse_truncate();
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_versions_follow_the_head")]
    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, CREATE), lambda apps, editor: _run(editor, DROP)
        )
    ]
