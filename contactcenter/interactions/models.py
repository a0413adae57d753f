"""Read models of interactions, projected inline from the log (never written by hand)."""

from django.db import models


class Interaction(models.Model):
    id = models.CharField(max_length=36, primary_key=True)
    version = models.PositiveIntegerField(default=0)  # of its stream, for clients to resync
    channel = models.CharField(max_length=20, db_index=True)
    channel_key = models.CharField(max_length=100)
    direction = models.CharField(max_length=10, default="inbound")
    customer_id = models.CharField(max_length=36, db_index=True)
    state = models.CharField(max_length=20, db_index=True)
    subject = models.CharField(max_length=500, blank=True)
    threading_key = models.CharField(max_length=300, blank=True)
    previous_interaction_id = models.CharField(max_length=36, blank=True)
    # domain.opening_key of the key the stream was started under: a message into the open
    # conversation is decided from this row, its stream unread (ingest).
    opening_key = models.CharField(max_length=32, blank=True)
    queue_id = models.IntegerField(null=True, blank=True, db_index=True)
    priority = models.IntegerField(default=0)
    required_skills = models.JSONField(default=dict, blank=True)
    preferred_agent_id = models.IntegerField(null=True, blank=True)
    agent_id = models.IntegerField(null=True, blank=True, db_index=True)
    last_agent_id = models.IntegerField(null=True, blank=True)
    declined_by = models.JSONField(default=list, blank=True)  # agents who let it go by
    supervisors_only = models.BooleanField(default=False)
    offer_id = models.CharField(max_length=36, blank=True)
    offer_agent_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    first_queued_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    wrap_up_started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=100, blank=True)
    wrap_up_notes = models.TextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=50, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message_preview = models.CharField(max_length=200, blank=True)
    transfers = models.PositiveIntegerField(default=0)
    csat_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    csat_comment = models.TextField(blank=True)
    customer_away = models.BooleanField(default=False)
    # The customer's read receipt: the last of their messages the agent handling it has seen.
    read_message_id = models.CharField(max_length=64, blank=True)
    read_position = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "queue_id", "priority", "first_queued_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.id[:8]} ({self.state})"


class TranscriptEntry(models.Model):
    """One line of the conversation: a message either way, a note, or a system notice."""

    class Kind(models.TextChoices):
        INBOUND = "inbound"
        OUTBOUND = "outbound"
        NOTE = "note"
        SYSTEM = "system"
        ACTIVITY = "activity"  # joined, transferred, left… (contactcenter/interactions/activity.py)

    id = models.CharField(max_length=64, primary_key=True)  # message/note id from the event
    interaction_id = models.CharField(max_length=36)
    position = models.BigIntegerField()  # of the event that wrote it
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.CharField(max_length=100)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    subject = models.CharField(max_length=500, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=10, blank=True)  # for notes: team, agent
    delivery_status = models.CharField(max_length=20, blank=True)
    delivery_detail = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    channel_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "position"]
        indexes = [models.Index(fields=["interaction_id", "position"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.author}: {self.text[:40]}"


class ThreadKey(models.Model):
    """Which interaction a channel's threading key currently leads to."""

    key = models.CharField(max_length=400, primary_key=True)  # "<channel>:<channel_key>:<key>"
    interaction_id = models.CharField(max_length=36)

    def __str__(self) -> str:
        return self.key

    @staticmethod
    def make(channel: str, channel_key: str, threading_key: str) -> str:
        return f"{channel}:{channel_key}:{threading_key}"


class Delivery(models.Model):
    """One outbound message on its way through its channel's adapter (see outbox.py). An
    operational queue, not a projection: its outcome is recorded in the log as events."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    message_id = models.CharField(max_length=64, primary_key=True)
    interaction_id = models.CharField(max_length=36, db_index=True)
    channel = models.CharField(max_length=20)
    position = models.BigIntegerField()  # of its MessageSent
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.message_id[:8]}: {self.status}"
