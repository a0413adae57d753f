"""The database itself refuses UPDATE and DELETE on the event log, and on PostgreSQL stamps
each event with its transaction id (see contactcenter/events/store.py for why)."""

from django.db import migrations

POSTGRES = [
    (
        """
        CREATE FUNCTION event_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER event_log_stamp BEFORE INSERT ON event_log
            FOR EACH ROW EXECUTE FUNCTION event_log_stamp();

        CREATE FUNCTION event_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'event_log is append-only: % refused', TG_OP
                USING ERRCODE = 'restrict_violation';
        END $$;
        CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log
            FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();
        """,
        """
        DROP TRIGGER IF EXISTS event_log_append_only ON event_log;
        DROP FUNCTION IF EXISTS event_log_refuse_change();
        DROP TRIGGER IF EXISTS event_log_stamp ON event_log;
        DROP FUNCTION IF EXISTS event_log_stamp();
        """,
    )
]

SQLITE = [
    (
        """
        CREATE TRIGGER event_log_no_update BEFORE UPDATE ON event_log
        BEGIN SELECT RAISE(ABORT, 'event_log is append-only: UPDATE refused'); END;
        """,
        "DROP TRIGGER IF EXISTS event_log_no_update;",
    ),
    (
        """
        CREATE TRIGGER event_log_no_delete BEFORE DELETE ON event_log
        BEGIN SELECT RAISE(ABORT, 'event_log is append-only: DELETE refused'); END;
        """,
        "DROP TRIGGER IF EXISTS event_log_no_delete;",
    ),
]


def _statements(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return POSTGRES
    if vendor == "sqlite":
        return SQLITE
    raise NotImplementedError(f"the event log supports PostgreSQL and SQLite, not {vendor}")


def _run(schema_editor, sql):
    # Straight to the cursor: the trigger bodies hold '%' placeholders of RAISE, not ours.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forwards(apps, schema_editor):
    for create, _ in _statements(schema_editor):
        _run(schema_editor, create)


def backwards(apps, schema_editor):
    for _, drop in reversed(_statements(schema_editor)):
        _run(schema_editor, drop)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
