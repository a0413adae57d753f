from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0003_recording_policy"),
    ]

    operations = [
        migrations.AlterField(
            model_name="call",
            name="channel_key",
            field=models.CharField(max_length=60),
        ),
    ]
