"""Heartbeats: each process that runs loops writes down, every few seconds, how each is doing,
so `/healthz` on any web process shows the worker processes too. Operational telemetry, not a
fact of the business: a plain table, overwritten in place, never part of the event log."""

from django.db import models


class Heartbeat(models.Model):
    process = models.CharField(max_length=200, help_text="host:pid of the process")
    loop = models.CharField(max_length=100)
    healthy = models.BooleanField()
    health = models.JSONField(default=dict)
    reported_at = models.DateTimeField()

    class Meta:
        db_table = "worker_heartbeat"
        constraints = [
            models.UniqueConstraint(fields=("process", "loop"), name="heartbeat_process_loop")
        ]
        ordering = ["process", "loop"]

    def __str__(self) -> str:
        return f"{self.loop} in {self.process}"
