"""SMS read models, projected from the log."""

from django.db import models


class SmsConsent(models.Model):
    """Whether a number has opted out of SMS (STOP) and not back in (START)."""

    number = models.CharField(max_length=20, primary_key=True)
    opted_out = models.BooleanField(default=False)
    keyword = models.CharField(max_length=20, blank=True)
    since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SMS consent"

    def __str__(self) -> str:
        return f"{self.number}: {'opted out' if self.opted_out else 'may be texted'}"
