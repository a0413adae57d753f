"""Calls, projected from the call events: which interaction a CallSid belongs to, and the
state the call controls and the KPIs need."""

from django.db import models


class Call(models.Model):
    call_sid = models.CharField(max_length=64, primary_key=True)
    interaction_id = models.CharField(max_length=36, db_index=True)
    channel_key = models.CharField(max_length=20)  # our number
    direction = models.CharField(max_length=10)  # inbound, callback
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
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.direction} call {self.call_sid} ({self.status})"

    @property
    def live(self) -> bool:
        return self.ended_at is None


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
