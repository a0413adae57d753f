from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("routing", "0006_teams_with_leads_and_members")]

    operations = [
        migrations.AddField(
            model_name="queue",
            name="csat_survey",
            field=models.BooleanField(
                default=True,
                help_text="When an agent's conversation of this queue ends, ask the customer to "
                "rate it on their channel (on the channels in CSAT_SURVEY_CHANNELS).",
                verbose_name="ask for a satisfaction rating",
            ),
        ),
    ]
