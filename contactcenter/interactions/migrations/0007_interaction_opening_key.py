"""The key an interaction's stream was started under, kept on its row as a digest
(domain.opening_key), written for the interactions already in the log as the projection
writes it, so live rows equal a rebuild's."""

from django.db import migrations, models

from contactcenter.interactions.domain import opening_key

PREFIX = "interaction-"


def keys_from_the_log(apps, schema_editor):
    Interaction = apps.get_model("interactions", "Interaction")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT stream_id, idempotency_key FROM event_log WHERE type = 'InteractionCreated' "
            "AND idempotency_key IS NOT NULL"
        )
        rows = cursor.fetchall()
    # A row erased since (or never projected) is simply not updated.
    changed = [
        Interaction(pk=stream[len(PREFIX) :], opening_key=opening_key(key))
        for stream, key in rows
        if stream.startswith(PREFIX)
    ]
    Interaction.objects.bulk_update(changed, ["opening_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0006_interaction_read_receipt")]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="opening_key",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunPython(keys_from_the_log, migrations.RunPython.noop),
    ]
