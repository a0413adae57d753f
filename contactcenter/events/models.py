from django.db import models
from django.db.models.functions import Now


class Event(models.Model):
    """One fact, forever. UPDATE and DELETE are refused by database triggers (see migrations).

    `txid` is the PostgreSQL transaction id of the appending transaction, stamped by a trigger;
    readers that follow the log order by (txid, position) and stop below the oldest running
    transaction, so no late commit is ever skipped (docs/events.md). It is 0 on SQLite, where
    writers are serialised and position order is commit order.
    """

    position = models.BigAutoField(primary_key=True)
    txid = models.BigIntegerField(db_default=0, editable=False)
    stream_id = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=100)
    data = models.JSONField()
    metadata = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(db_default=Now())
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The version of its type's fields `data` was written in; older ones are upcast on read.
    schema_version = models.PositiveSmallIntegerField(db_default=1)

    class Meta:
        db_table = "event_log"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["stream_id", "version"], name="event_stream_version"),
        ]
        indexes = [
            models.Index(fields=["txid", "position"], name="event_log_order"),
            models.Index(fields=["type", "position"], name="event_log_type"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.stream_id}@{self.version} {self.type}"


class ProjectionCheckpoint(models.Model):
    """How far a catch-up projection has followed the log."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"
