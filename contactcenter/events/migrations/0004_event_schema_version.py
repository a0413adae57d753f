"""Each event's schema version (docs/events.md, "Schema versions"): every event stored before
this column existed is version 1. A plain ALTER TABLE on both databases: PostgreSQL adds a
column with a constant default without rewriting the log, and SQLite keeps the table (and so
its append-only triggers), which Django's own AddField would rebuild without them."""

from django.db import migrations, models

ADD = "ALTER TABLE event_log ADD COLUMN schema_version smallint NOT NULL DEFAULT 1"
DROP = "ALTER TABLE event_log DROP COLUMN schema_version"


class Migration(migrations.Migration):
    dependencies = [("events", "0003_versions_follow_the_head")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="event",
                    name="schema_version",
                    field=models.PositiveSmallIntegerField(db_default=1),
                ),
            ],
        ),
    ]
