"""The database refuses an event whose version does not follow its stream's head: the unique
(stream, version) index alone let a writer that expected version 5 of an empty stream store
version 6, and one that expected -1 store version 0.

On PostgreSQL the stamping trigger already looked up the previous event; it now looks up the
head instead and names it in the error (`contactcenter.events.store` reads it back). SQLite's
RAISE takes only a constant message, so the store asks for the head after the refusal there.
A clash with a concurrent, not yet committed writer is still the unique index's to catch.
"""

from django.db import migrations

POSTGRES_FORWARDS = """
CREATE OR REPLACE FUNCTION event_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_version bigint;
    head_txid bigint;
BEGIN
    NEW.txid := pg_current_xact_id()::text::bigint;
    SELECT version, txid INTO head_version, head_txid FROM event_log
     WHERE stream_id = NEW.stream_id ORDER BY version DESC LIMIT 1;
    IF NEW.version <> COALESCE(head_version, 0) + 1 THEN
        RAISE EXCEPTION 'event_log: stream % is at version %, not %',
            NEW.stream_id, COALESCE(head_version, 0), NEW.version - 1
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF head_txid > NEW.txid THEN
        RAISE EXCEPTION 'event_log: % version % came from a newer transaction; retry',
            NEW.stream_id, head_version
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEW;
END $$;
"""

# The function as 0002 created it.
POSTGRES_BACKWARDS = """
CREATE OR REPLACE FUNCTION event_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous bigint;
BEGIN
    NEW.txid := pg_current_xact_id()::text::bigint;
    IF NEW.version > 1 THEN
        SELECT txid INTO previous FROM event_log
         WHERE stream_id = NEW.stream_id AND version = NEW.version - 1;
        IF previous > NEW.txid THEN
            RAISE EXCEPTION
                'event_log: % version % came from a newer transaction; retry',
                NEW.stream_id, NEW.version - 1
                USING ERRCODE = 'serialization_failure';
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""

SQLITE_FORWARDS = """
CREATE TRIGGER event_log_versions_follow BEFORE INSERT ON event_log
WHEN NEW.version <> COALESCE(
    (SELECT MAX(version) FROM event_log WHERE stream_id = NEW.stream_id), 0) + 1
BEGIN SELECT RAISE(ABORT, 'event_log: version does not follow the stream head'); END;
"""
SQLITE_BACKWARDS = "DROP TRIGGER IF EXISTS event_log_versions_follow;"


def _run(schema_editor, postgres: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    sql = {"postgresql": postgres, "sqlite": sqlite}.get(vendor)
    if sql is None:
        raise NotImplementedError(f"the event log supports PostgreSQL and SQLite, not {vendor}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARDS, SQLITE_FORWARDS)


def backwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARDS, SQLITE_BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("events", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
