"""Email channels (configured in admin); the Message-ID and attachment indexes (projections).

An EmailChannel is one place to configure a team's mailbox: its inbox addresses, how mail
arrives, the queue it feeds (kept in step with routing's entry points on save), replies' From,
the auto-acknowledgement, the reopen window and the limits. MessageRef is projected from the
log (projections.py): it is how replies find their conversation and how reply storms are seen.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction

from channels_adapters.email.addresses import bare

DEFAULT_ACKNOWLEDGEMENT = (
    "Hello {customer_name},\n\n"
    'Thank you for writing to us. We have received your message "{subject}" and one of '
    "our team will answer you soon. To add anything, just reply to this e-mail.\n\n"
    "Kind regards,\n{team}"
)
TEMPLATE_FIELDS = {"customer_name", "subject", "team", "inbox"}
SNS_CERTIFICATE_URL = r"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[^?#]+\.pem$"
MB = 1024 * 1024


class EmailChannel(models.Model):
    class Intake(models.TextChoices):
        SMTP = "smtp", "SMTP listener (run_smtp / make run)"
        MAILGUN = "mailgun", "Mailgun inbound route"
        SENDGRID = "sendgrid", "SendGrid Inbound Parse"
        POSTMARK = "postmark", "Postmark inbound webhook"
        AMAZON_SES = "amazon_ses", "Amazon SES receipt rule (SNS)"

    name = models.CharField(max_length=100, unique=True)
    addresses = models.TextField(
        "inbox addresses",
        help_text="One per line; the first is the main one. Plus-addresses "
        "(support+anything@…) arrive in the same inbox.",
    )
    intake = models.CharField(
        "how mail arrives", max_length=12, choices=Intake.choices, default=Intake.SMTP
    )
    queue = models.ForeignKey(
        "routing.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="New conversations wait here (kept in step with routing's entry points).",
    )
    from_name = models.CharField(max_length=100, blank=True, help_text="e.g. Example Support")
    from_address = models.EmailField(
        blank=True, help_text="Replies come from this address; empty: the main inbox."
    )
    webhook_secret = models.CharField(
        max_length=200,
        blank=True,
        help_text="ESP webhooks: the basic-auth 'user:password' you put in the webhook URL "
        "(required for Postmark and Amazon SES; optional for Mailgun and SendGrid).",
    )
    signing_key = models.TextField(
        blank=True,
        help_text="Mailgun: the HTTP webhook signing key. SendGrid: the public key of the "
        "Inbound Parse security policy (base64, as SendGrid shows it).",
    )
    sns_certificate_url = models.CharField(
        "SNS signing certificate URL pattern",
        max_length=300,
        default=SNS_CERTIFICATE_URL,
        help_text="Amazon SES: a regular expression SNS signing-certificate URLs must match.",
    )
    sns_topic_arn = models.CharField(
        "SNS topic ARN",
        max_length=300,
        blank=True,
        help_text="Amazon SES: accept notifications from this topic only (empty: any).",
    )
    auto_acknowledge = models.BooleanField(
        default=True, help_text="Answer each new conversation at once with the template."
    )
    acknowledgement_template = models.TextField(
        default=DEFAULT_ACKNOWLEDGEMENT,
        help_text="Fields: {customer_name}, {subject}, {team}, {inbox}.",
    )
    reopen_window_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="A reply this soon after closing reopens the conversation; later, a new "
        "one starts, linked to it. Empty: the platform's REOPEN_WINDOW_SECONDS.",
    )
    max_message_bytes = models.PositiveIntegerField(
        default=25 * MB,
        validators=[MinValueValidator(10_000)],
        help_text="Larger mail is refused (SMTP 552).",
    )
    sender_limit_per_hour = models.PositiveIntegerField(
        default=30,
        help_text="More mail than this from one sender in an hour is recorded as automated: "
        "it starts nothing and gets no acknowledgement (0: no limit).",
    )
    mailer = models.CharField(
        max_length=50, default="default", help_text="Outbound: the Django MAILERS alias."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "email channel"

    def __str__(self) -> str:
        return f"{self.name} ({self.primary_address})"

    def save(self, *args, **kwargs) -> None:
        self.addresses = "\n".join(self.inboxes)
        with transaction.atomic():
            previous = (
                EmailChannel.objects.filter(pk=self.pk).values_list("addresses", flat=True).first()
                if self.pk
                else None
            )
            super().save(*args, **kwargs)
            self.sync_entry_points(parse_addresses(previous or ""))

    @property
    def inboxes(self) -> list[str]:
        return parse_addresses(self.addresses)

    @property
    def primary_address(self) -> str:
        inboxes = self.inboxes
        return inboxes[0] if inboxes else ""

    @property
    def sender_address(self) -> str:
        return bare(self.from_address) or self.primary_address

    def clean(self) -> None:
        errors: dict[str, str] = {}
        raw = [line.strip() for line in re.split(r"[\s,;]+", self.addresses or "") if line.strip()]
        invalid = [
            line
            for line in raw
            if not bare(line) or "+" in bare(line).split("@")[0] or len(bare(line)) > 100
        ]
        if not raw:
            errors["addresses"] = "Give at least one inbox address."
        elif invalid:
            errors["addresses"] = f"Not plain e-mail addresses: {', '.join(invalid)}"
        else:
            taken = [
                address
                for other in EmailChannel.objects.exclude(pk=self.pk)
                for address in other.inboxes
                if address in self.inboxes
            ]
            if taken:
                errors["addresses"] = f"Already an inbox of another channel: {', '.join(taken)}"
        if self.queue_id and "email" not in (self.queue.channels or []):
            errors["queue"] = f"{self.queue} does not take email."
        if self.intake == self.Intake.MAILGUN and not self.signing_key.strip():
            errors["signing_key"] = "Mailgun webhooks are checked with the signing key."
        if self.intake in (self.Intake.POSTMARK, self.Intake.AMAZON_SES) and ":" not in (
            self.webhook_secret
        ):
            errors["webhook_secret"] = "Set 'user:password'; put it in the webhook URL."
        if (
            self.intake == self.Intake.SENDGRID
            and not self.signing_key.strip()
            and ":" not in self.webhook_secret
        ):
            errors["signing_key"] = "Set the security policy's public key, or a webhook secret."
        try:
            re.compile(self.sns_certificate_url)
        except re.error as error:
            errors["sns_certificate_url"] = f"Not a regular expression: {error}"
        unknown = set(re.findall(r"{(\w*)}", self.acknowledgement_template)) - TEMPLATE_FIELDS
        if unknown:
            errors["acknowledgement_template"] = f"Unknown fields: {', '.join(sorted(unknown))}"
        if self.mailer not in getattr(settings, "MAILERS", {"default": {}}):
            errors["mailer"] = f"No mailer {self.mailer!r} in MAILERS."
        if errors:
            raise ValidationError(errors)

    def sync_entry_points(self, previous: list[str] = ()) -> None:
        """One place to configure: routing's entry point for each inbox is this channel's
        queue, and inboxes it no longer has lose theirs."""
        from routing.models import EntryPoint

        current = self.inboxes if self.active and self.queue_id else []
        gone = [address for address in [*previous, *self.inboxes] if address not in current]
        EntryPoint.objects.filter(channel="email", channel_key__in=gone).delete()
        for address in current:
            entry = EntryPoint.objects.filter(channel="email", channel_key=address).first()
            if entry is None:
                EntryPoint.objects.create(channel="email", channel_key=address, queue=self.queue)
            elif entry.queue_id != self.queue_id:
                entry.queue = self.queue
                entry.save(update_fields=["queue"])

    def template_fields(self, *, customer_name: str, subject: str) -> dict[str, str]:
        return {
            "customer_name": customer_name or "there",
            "subject": subject or "(no subject)",
            "team": self.from_name or self.name,
            "inbox": self.primary_address,
        }


def parse_addresses(text: str) -> list[str]:
    found: dict[str, None] = {}
    for line in re.split(r"[\s,;]+", text or ""):
        address = bare(line)
        if address:
            found.setdefault(address)
    return list(found)


class MessageRef(models.Model):
    """Projection: each e-mail Message-ID we received or sent, and its interaction.

    Inbound rows are keyed by the Message-ID (without angle brackets); outbound ones by our
    message id, which is the left-hand side of the Message-ID we send (`<id@domain>`), so a
    change of sending domain never breaks threading.
    """

    ref = models.CharField(max_length=500, primary_key=True)
    header = models.TextField(blank=True)  # inbound: the Message-ID as received, if it had one
    interaction_id = models.CharField(max_length=36)
    message_id = models.CharField(max_length=64)
    direction = models.CharField(max_length=8)  # inbound, outbound
    sender = models.CharField(max_length=254, blank=True)
    position = models.BigIntegerField()
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["interaction_id", "position"], name="email_ref_thread"),
            models.Index(fields=["sender", "occurred_at"], name="email_ref_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.ref} → {self.interaction_id[:8]}"


class AttachmentRef(models.Model):
    """Projection: which interactions a stored file belongs to, so a download can be checked
    against who may open those interactions (contactcenter.access)."""

    key = models.CharField(max_length=600, primary_key=True)  # "<interaction id>/<storage key>"
    storage_key = models.CharField(max_length=500, db_index=True)
    interaction_id = models.CharField(max_length=36)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.storage_key
