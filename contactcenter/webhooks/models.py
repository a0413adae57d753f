import base64
import secrets

from django.core.exceptions import ValidationError
from django.db import models


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookSubscription(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField("URL", max_length=500, help_text="Receives a POST per event.")
    event_types = models.JSONField(
        default=list,
        blank=True,
        help_text='Event types to send, as a JSON list (["InteractionClosed", …]); empty: all.',
    )
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text="Signs every request (docs/webhooks.md); give it to the receiver.",
    )
    paused = models.BooleanField(default=False)
    paused_reason = models.CharField(max_length=300, blank=True)
    position = models.BigIntegerField(
        default=0, help_text="The last event handled; delivery continues after it."
    )
    delivered = models.PositiveBigIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_round_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "webhook subscription"

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"

    def clean(self) -> None:
        from contactcenter.events import projections
        from contactcenter.events.types import DomainEvent

        projections.discover()
        types = self.event_types
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise ValidationError({"event_types": "A JSON list of event type names."})
        unknown = sorted(set(types) - set(DomainEvent.registry))
        if unknown:
            raise ValidationError({"event_types": f"Unknown event types: {', '.join(unknown)}"})

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types
