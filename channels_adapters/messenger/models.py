"""A Facebook page (or Instagram professional account) whose conversations we answer, with the
Meta app that signs its webhooks. Edited in Django admin; secrets never leave the server."""

from django.core.exceptions import ValidationError
from django.db import models

from channels_adapters.meta.graph import GRAPH_API, VERSION


class MessengerPage(models.Model):
    class Platform(models.TextChoices):
        MESSENGER = "messenger", "Facebook Messenger"
        INSTAGRAM = "instagram", "Instagram Direct"

    name = models.CharField(max_length=100)
    page_id = models.CharField(
        "page id",
        max_length=30,
        unique=True,
        help_text="The Facebook page's id (or the Instagram account's, for Instagram Direct).",
    )
    platform = models.CharField(max_length=10, choices=Platform.choices, default=Platform.MESSENGER)
    app_secret = models.CharField(
        max_length=200, help_text="The Meta app's secret: it signs the webhooks."
    )
    verify_token = models.CharField(
        max_length=200, help_text="What you typed as Verify token when subscribing the webhook."
    )
    access_token = models.CharField(
        max_length=500, blank=True, help_text="The page access token (pages_messaging)."
    )
    api_base_url = models.URLField(
        "API base URL",
        blank=True,
        help_text=f"Empty: {GRAPH_API}. Tests point it at a local server.",
    )
    api_version = models.CharField("Graph API version", max_length=10, default=VERSION)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Messenger / Instagram page"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()} {self.page_id})"

    def clean(self) -> None:
        if not self.page_id.isdigit():
            raise ValidationError({"page_id": "Meta's page and account ids are digits."})
