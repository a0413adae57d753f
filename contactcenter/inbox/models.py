"""Per-agent working state of the console. None of it is a fact of a conversation (a draft
nobody sent, where an agent stopped reading, whether Enter sends), so it is kept as plain
operational rows, like the outbox's deliveries, not in the event log."""

from django.conf import settings
from django.db import models


class AgentSettings(models.Model):
    """How one agent likes the console: what Enter does, and how an offer rings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True
    )
    enter_sends = models.BooleanField(default=True)  # else Shift+Enter sends
    ring_sound = models.CharField(max_length=20, default="chime")
    desktop_notifications = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"settings of {self.user_id}"


class Draft(models.Model):
    """What an agent has typed to a conversation and not sent yet: it survives a reload and
    follows the agent to another device."""

    agent_id = models.IntegerField()
    interaction_id = models.CharField(max_length=36)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent_id", "interaction_id"], name="one_draft")
        ]

    def __str__(self) -> str:
        return f"draft of {self.agent_id} in {self.interaction_id[:8]}"


class ReadMarker(models.Model):
    """How far one agent has read a conversation: the log position of the last message
    they saw. Customer messages after it are unread."""

    agent_id = models.IntegerField()
    interaction_id = models.CharField(max_length=36)
    position = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent_id", "interaction_id"], name="one_marker")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} read {self.interaction_id[:8]} to {self.position}"
