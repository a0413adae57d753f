"""`interaction_id` becomes a reference Django can join on (search's visibility check). The
column, its type and its index stay as they are: a change of the model's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0005_activity_lines"),
        ("search", "0002_full_text_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="searchdocument", name="interaction_id"),
                migrations.AddField(
                    model_name="searchdocument",
                    name="interaction",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="interactions.interaction",
                    ),
                    preserve_default=False,
                ),
            ]
        )
    ]
