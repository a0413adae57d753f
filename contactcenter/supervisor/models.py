from django.db import models


class StandingAlert(models.Model):
    """An alert raised and not yet cleared: projected from AlertRaised / AlertCleared."""

    key = models.CharField(max_length=120, primary_key=True)
    version = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=30)
    subject = models.CharField(max_length=64)
    message = models.CharField(max_length=300)
    detail = models.JSONField(default=dict)
    raised_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.message
