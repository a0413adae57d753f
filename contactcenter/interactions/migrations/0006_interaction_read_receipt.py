"""The customer's read receipt on the interaction's row (MessagesRead): new in the log, so
there are no earlier events to replay into it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interactions", "0005_activity_lines")]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="read_message_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="interaction",
            name="read_position",
            field=models.BigIntegerField(default=0),
        ),
    ]
