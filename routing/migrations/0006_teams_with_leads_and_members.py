# A team had one supervisor and an agent one team; now a team has leads and members, and an
# agent may be in several teams. What was set carries over.

from django.conf import settings
from django.db import migrations, models


def carry_over(apps, schema_editor):
    Team = apps.get_model("routing", "Team")
    AgentProfile = apps.get_model("routing", "AgentProfile")
    for team in Team.objects.exclude(supervisor=None):
        team.leads.add(team.supervisor_id)
    for profile in AgentProfile.objects.exclude(team=None):
        profile.team.members.add(profile.user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0005_agentstate_softphone_on"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="leads",
            field=models.ManyToManyField(
                blank=True, related_name="led_teams", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="members",
            field=models.ManyToManyField(
                blank=True, related_name="teams", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="agentprofile", name="team"),
        migrations.RemoveField(model_name="team", name="supervisor"),
    ]
