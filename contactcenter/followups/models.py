"""Follow-ups asked for at wrap-up, projected from the log (never written by hand)."""

from django.db import models


class FollowUp(models.Model):
    """The latest follow-up of one conversation: a later wrap-up replaces it (or, without a
    follow-up, cancels it)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled"
        DUE = "due"  # came due: back in routing (or a reminder)
        CANCELLED = "cancelled"

    interaction_id = models.CharField(max_length=36, primary_key=True)
    agent_id = models.IntegerField(db_index=True)
    note = models.TextField(blank=True)
    due_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    # The log position of the wrap-up that asked for it: with the interaction, the key that
    # makes its coming due happen once (the idempotency key of that append).
    wrap_up_position = models.BigIntegerField()
    created_at = models.DateTimeField()
    came_due_at = models.DateTimeField(null=True, blank=True)
    requeued = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"follow-up of {self.interaction_id[:8]} at {self.due_at:%Y-%m-%d %H:%M}"
