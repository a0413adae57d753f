"""A Slack app we answer as: its credentials, which workspace, and which queue its customers
reach. Edited in Django admin; secrets never leave the server."""

from django.db import models

SLACK_API = "https://slack.com/api/"
ANY_TEAM = "*"


class SlackChannel(models.Model):
    name = models.CharField(max_length=100, unique=True)
    team_id = models.CharField(
        "team id",
        max_length=20,
        default=ANY_TEAM,
        help_text="The Slack workspace (T…) this app answers for; * for any workspace that "
        "installed it.",
    )
    signing_secret = models.CharField(
        max_length=200, help_text="Basic Information → App Credentials → Signing Secret."
    )
    bot_token = models.CharField(
        max_length=300, blank=True, help_text="OAuth & Permissions → Bot User OAuth Token (xoxb-…)."
    )
    bot_user_id = models.CharField(
        "bot user id",
        max_length=20,
        blank=True,
        help_text="The app's bot user (U…): its own messages are never taken for a customer's.",
    )
    api_base_url = models.URLField(
        "API base URL", default=SLACK_API, help_text="Slack's Web API; tests point it elsewhere."
    )
    queue = models.ForeignKey(
        "routing.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Where this workspace's conversations go (kept as the routing entry point).",
    )
    alerts_channel = models.CharField(
        max_length=50,
        blank=True,
        help_text="Slack channel id (C…) where supervisor alerts are posted; empty: none.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["team_id"], name="slack_channel_team_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.team_id})"

    @property
    def channel_key(self) -> str:
        return self.team_id or ANY_TEAM

    @classmethod
    def for_team(cls, team_id: str) -> "SlackChannel | None":
        """The configuration answering for `team_id`: its own, else the any-team one."""
        candidates = {
            c.team_id: c for c in cls.objects.filter(active=True, team_id__in=[team_id, ANY_TEAM])
        }
        return candidates.get(team_id) or candidates.get(ANY_TEAM)
