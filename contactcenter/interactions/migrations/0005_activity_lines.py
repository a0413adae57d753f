"""Activity lines in transcripts (contactcenter/interactions/activity.py), written for the
events already in the log as the projection writes them, so live rows equal a rebuild's."""

import json

from django.db import migrations, models
from django.utils.dateparse import parse_datetime

from contactcenter.interactions.activity import ACTIVITIES


def lines_from_the_log(apps, schema_editor):
    TranscriptEntry = apps.get_model("interactions", "TranscriptEntry")
    types = ", ".join(f"'{name}'" for name in ACTIVITIES)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT position, type, data, metadata, occurred_at FROM event_log "
            f"WHERE type IN ({types}) AND stream_id LIKE 'interaction-%%' ORDER BY position"
        )
        rows = cursor.fetchall()
    entries = []
    for position, type_, data, metadata, occurred_at in rows:
        data = json.loads(data) if isinstance(data, str) else data
        metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
        if isinstance(occurred_at, str):
            occurred_at = parse_datetime(occurred_at)
        entries.append(
            TranscriptEntry(
                id=f"activity:{position}",
                interaction_id=data["interaction_id"],
                position=position,
                occurred_at=occurred_at,
                kind="activity",
                author=(metadata or {}).get("actor", ""),
                channel_data=ACTIVITIES[type_](data),
            )
        )
    TranscriptEntry.objects.bulk_create(entries, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0004_csat_and_presence")]

    operations = [
        migrations.AlterField(
            model_name="transcriptentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("inbound", "Inbound"),
                    ("outbound", "Outbound"),
                    ("note", "Note"),
                    ("system", "System"),
                    ("activity", "Activity"),
                ],
                max_length=10,
            ),
        ),
        migrations.RunPython(lines_from_the_log, migrations.RunPython.noop),
    ]
