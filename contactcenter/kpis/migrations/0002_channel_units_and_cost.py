from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name=model,
            name=name,
            field=models.BigIntegerField(default=0),
        )
        for model in ("intervalfact", "dailyfact")
        for name in ("channel_units", "channel_cost_micros")
    ] + [
        migrations.AddField(
            model_name="interactionclock",
            name=name,
            field=models.BigIntegerField(default=0),
        )
        for name in ("unqueued_units", "unqueued_cost_micros")
    ] + [
        migrations.AddField(
            model_name=model,
            name=name,
            field=models.IntegerField(default=0),
        )
        for model in ("intervalfact", "dailyfact")
        for name in ("csat_surveys", "csat_survey_answers")
    ] + [
        migrations.AddField(
            model_name="interactionclock",
            name="survey_facts",
            field=models.JSONField(null=True),
        ),
    ]
