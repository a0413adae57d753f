"""API tokens: a secret per integration, shown once, stored only as its SHA-256."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

PREFIX = "cc_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(max_length=100, help_text="What uses it: “CRM sync”, “BI export”.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The token acts as this person, with their role and queues.",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="To recognise the token.")
    can_read_events = models.BooleanField(
        "may read the event feed",
        default=False,
        help_text="The event feed (/api/v1/events/) carries every fact of every queue; "
        "supervisors' tokens may read it anyway.",
    )
    revoked = models.BooleanField(default=False)
    # What the token may do (docs/api.md): read (GET), write (everything else), privacy
    # (erase and export customers, with the person's own permissions besides).
    scopes = models.CharField(
        max_length=100,
        default="read,write",
        help_text="Comma-separated: read (GET), write (commands), privacy (erase, export).",
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Refused from then on; empty: until revoked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope in {s.strip() for s in self.scopes.split(",")}

    def expired(self, now) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def issue(self) -> str:
        """Give this token a new secret; returns it (the only time it is known in clear)."""
        key = PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.prefix = digest(key), key[:10]
        return key

    @classmethod
    def find(cls, key: str) -> "ApiToken | None":
        return (
            cls.objects.select_related("user")
            .filter(key_hash=digest(key), revoked=False, user__is_active=True)
            .first()
        )
