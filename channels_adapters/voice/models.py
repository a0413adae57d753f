"""Calls, projected from the call events: which interaction a CallSid belongs to, and the
state the call controls and the KPIs need."""

from django.db import models

WEB = "web"  # a call's direction when the customer called from the web chat widget


class Call(models.Model):
    call_sid = models.CharField(max_length=64, primary_key=True)
    interaction_id = models.CharField(max_length=36, db_index=True)
    channel_key = models.CharField(max_length=60)  # our number, or web:<chat key> (a web call)
    direction = models.CharField(max_length=10)  # inbound, callback, web, outbound
    customer_number = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    agent_id = models.IntegerField(null=True, blank=True)
    endpoint = models.CharField(max_length=200, blank=True)
    dialed_at = models.DateTimeField(null=True, blank=True)
    held_since = models.DateTimeField(null=True, blank=True)
    ring_seconds = models.FloatField(default=0)
    talk_seconds = models.FloatField(default=0)
    hold_seconds = models.FloatField(default=0)
    status = models.CharField(max_length=20, default="in-progress")
    stream_sid = models.CharField(max_length=64, blank=True)  # its live Media Stream, if any
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.direction} call {self.call_sid} ({self.status})"

    @property
    def live(self) -> bool:
        return self.ended_at is None

    @property
    def from_the_web(self) -> bool:
        """A web call: no Twilio call behind it, only the widget's WebRTC leg."""
        return self.direction == WEB


class Callback(models.Model):
    """A callback the customer asked for, until it is placed."""

    interaction_id = models.CharField(max_length=36, primary_key=True)
    number = models.CharField(max_length=20)
    source = models.CharField(max_length=10)  # flow, queue
    requested_at = models.DateTimeField()
    placed_call_sid = models.CharField(max_length=64, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"callback {self.number} ({'placed' if self.placed_at else 'pending'})"


class RecordingPolicy(models.Model):
    """A queue's rule for calls on the platform's media path: whether they are recorded, and
    the consent announcement the caller hears when the audio connects (any audio file)."""

    queue = models.OneToOneField(
        "routing.Queue", on_delete=models.CASCADE, related_name="recording_policy"
    )
    record = models.BooleanField(default=True)
    announcement = models.FileField(
        upload_to="voice/announcements/",
        blank=True,
        help_text="Played to the caller as the call's audio comes to the platform, e.g. "
        '"This call may be recorded for quality and training."',
    )

    class Meta:
        verbose_name_plural = "recording policies"

    def __str__(self) -> str:
        return f"recording policy of {self.queue}"
