"""A supervisor's whisper is no longer indexed (contactcenter/search/projections.py): the
documents of those already written go, so live rows equal a rebuild's."""

from django.db import migrations


def whispers_out(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    TranscriptEntry = apps.get_model("interactions", "TranscriptEntry")
    whispers = TranscriptEntry.objects.filter(kind="note", audience="agent").values_list(
        "id", flat=True
    )
    ids = [f"note:{note_id}" for note_id in whispers.iterator()]
    for start in range(0, len(ids), 500):
        SearchDocument.objects.filter(kind="note", id__in=ids[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_interaction_reference"),
        ("interactions", "0007_interaction_opening_key"),
    ]

    operations = [migrations.RunPython(whispers_out, migrations.RunPython.noop)]
