# Capacity per channel becomes rows (issue 15): a channel without a column was never routed.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import routing.models

OLD_COLUMNS = ("webchat", "email", "sms", "voice", "slack")


def columns_to_rows(apps, schema_editor):
    """Every agent keeps exactly today's capacity on each of the five channels."""
    AgentProfile = apps.get_model("routing", "AgentProfile")
    AgentCapacity = apps.get_model("routing", "AgentCapacity")
    AgentCapacity.objects.bulk_create(
        AgentCapacity(agent_id=profile.pk, channel=channel, capacity=getattr(profile, f"capacity_{channel}"))
        for profile in AgentProfile.objects.all()
        for channel in OLD_COLUMNS
    )


def rows_to_columns(apps, schema_editor):
    AgentProfile = apps.get_model("routing", "AgentProfile")
    AgentCapacity = apps.get_model("routing", "AgentCapacity")
    for row in AgentCapacity.objects.filter(channel__in=OLD_COLUMNS):
        AgentProfile.objects.filter(pk=row.agent_id).update(**{f"capacity_{row.channel}": row.capacity})


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0003_consoles_follow_presence"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgentCapacity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel", models.CharField(choices=routing.models.channel_choices, max_length=10)),
                (
                    "capacity",
                    models.PositiveSmallIntegerField(
                        help_text="At once (0: none).",
                        validators=[django.core.validators.MaxValueValidator(50)],
                    ),
                ),
                (
                    "agent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="capacities",
                        to="routing.agentprofile",
                    ),
                ),
            ],
            options={"verbose_name_plural": "capacities", "ordering": ["channel"]},
        ),
        migrations.AddConstraint(
            model_name="agentcapacity",
            constraint=models.UniqueConstraint(fields=("agent", "channel"), name="agent_capacity_once"),
        ),
        migrations.RunPython(columns_to_rows, rows_to_columns),
        migrations.RemoveField(model_name="agentprofile", name="capacity_email"),
        migrations.RemoveField(model_name="agentprofile", name="capacity_slack"),
        migrations.RemoveField(model_name="agentprofile", name="capacity_sms"),
        migrations.RemoveField(model_name="agentprofile", name="capacity_voice"),
        migrations.RemoveField(model_name="agentprofile", name="capacity_webchat"),
        migrations.AlterField(
            model_name="entrypoint",
            name="channel",
            field=models.CharField(choices=routing.models.channel_choices, max_length=10),
        ),
        migrations.AlterField(
            model_name="agentprofile",
            name="voice_blocks_other_work",
            field=models.BooleanField(
                default=True,
                help_text="While on a call (any exclusive channel's work), nothing else is offered.",
            ),
        ),
    ]
