"""Each event's schema version (docs/events.md, "Schema versions"): every event stored before
this column existed is version 1. A constant default: PostgreSQL adds it without a rewrite."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0003_versions_follow_the_head")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="schema_version",
            field=models.PositiveSmallIntegerField(db_default=1),
        ),
    ]
