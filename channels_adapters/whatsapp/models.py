"""A WhatsApp Business phone number we answer on, with the Meta app that signs its webhooks.
Edited in Django admin; secrets never leave the server."""

from django.core.exceptions import ValidationError
from django.db import models

from channels_adapters.meta.graph import GRAPH_API, VERSION


class WhatsAppChannel(models.Model):
    name = models.CharField(max_length=100)
    phone_number_id = models.CharField(
        "phone number id",
        max_length=30,
        unique=True,
        help_text="WhatsApp Manager → the number's Phone number ID (not the number itself).",
    )
    display_phone_number = models.CharField(max_length=30, blank=True)
    app_secret = models.CharField(
        max_length=200, help_text="The Meta app's secret: it signs the webhooks."
    )
    verify_token = models.CharField(
        max_length=200, help_text="What you typed as Verify token when subscribing the webhook."
    )
    access_token = models.CharField(
        max_length=500,
        blank=True,
        help_text="A system user's token with whatsapp_business_messaging.",
    )
    api_base_url = models.URLField(
        "API base URL",
        blank=True,
        help_text=f"Empty: {GRAPH_API}. Tests point it at a local server.",
    )
    api_version = models.CharField("Graph API version", max_length=10, default=VERSION)
    # [{"name": "order_update", "language": "en_US", "text": "Hello! We have news about …"}]
    templates = models.JSONField(
        default=list,
        blank=True,
        help_text='Approved message templates (without parameters): [{"name": …, "language": '
        '"en_US", "text": the body as approved}]. Outside the 24-hour window only these go out.',
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "WhatsApp number"

    def __str__(self) -> str:
        return f"{self.name} ({self.display_phone_number or self.phone_number_id})"

    def clean(self) -> None:
        if not self.phone_number_id.isdigit():
            raise ValidationError({"phone_number_id": "Meta's phone number ids are digits."})
        if not isinstance(self.templates, list) or not all(
            isinstance(t, dict) and t.get("name") and t.get("text") for t in self.templates
        ):
            raise ValidationError({"templates": "A list of objects with a name and a text."})

    def template(self, text: str) -> dict | None:
        """The approved template whose body is exactly `text` (spaces at the ends aside)."""
        return next((t for t in self.templates if t["text"].strip() == text.strip()), None)
