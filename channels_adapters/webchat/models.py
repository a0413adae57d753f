from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class WebChatChannel(models.Model):
    """One embeddable chat: its key (`data-channel`), where it may be embedded, its look."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    allowed_origins = models.TextField(
        blank=True,
        help_text="One origin per line (https://www.example.com) of the sites allowed to embed "
        "the widget; the browser refuses it anywhere else.",
    )
    title = models.CharField(max_length=100, default="Chat with us")
    greeting = models.CharField(max_length=300, default="Hi! How can we help?")
    offline_message = models.CharField(
        max_length=300,
        default="We are offline right now. Leave a message and we will get back to you.",
    )
    color = models.CharField(
        max_length=7, default="#2b59c3", help_text="Accent colour, as #rrggbb."
    )
    ask_email = models.BooleanField(default=True, help_text="Ask for an e-mail in the form.")
    grace_seconds = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(3600)],
        help_text="A visitor who leaves while waiting has this long to come back before the "
        "chat counts as abandoned.",
    )
    messages_per_minute = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Most messages one visitor may send a minute.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def origins(self) -> list[str]:
        return [
            line.strip().rstrip("/") for line in self.allowed_origins.splitlines() if line.strip()
        ]

    def clean(self) -> None:
        for origin in self.origins():
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                raise ValidationError(
                    {"allowed_origins": f"{origin!r} is not an origin like https://example.com"}
                )
        if len(self.color) != 7 or not self.color.startswith("#"):
            raise ValidationError({"color": "Use #rrggbb."})


class WebChatTopic(models.Model):
    """The pre-chat menu: what the visitor picks decides the queue."""

    channel = models.ForeignKey(WebChatChannel, on_delete=models.CASCADE, related_name="topics")
    label = models.CharField(max_length=100)
    queue = models.ForeignKey("routing.Queue", on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.queue_id and "webchat" not in (self.queue.channels or []):
            raise ValidationError({"queue": f"{self.queue} does not take web chat."})
