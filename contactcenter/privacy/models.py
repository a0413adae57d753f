"""Data keys, retention policies and the audit trail. Data keys are not a projection: nothing in
the log can bring a destroyed key back, which is the point (crypto-shredding, docs/privacy.md)."""

from django.db import models


class CustomerKey(models.Model):
    """One data key: a customer's own (`key_id` = the customer id), or one bucket of their
    messages' text or attachments on one channel and day, which retention destroys alone
    (`key_id` = `<customer>/<channel>/<kind>/<day>`)."""

    key_id = models.CharField(max_length=120, primary_key=True)
    customer_id = models.CharField(max_length=36, db_index=True)
    channel = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=20, blank=True)  # message_text, attachments; "": all else
    day = models.DateField(null=True, blank=True)
    # The data key wrapped by the KEK; emptied when erased or purged.
    wrapped = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [
            ("erase_customer", "Can erase a customer (right to erasure)"),
            ("export_customer", "Can export a customer's data (subject access)"),
        ]
        indexes = [models.Index(fields=["kind", "day"], name="privacy_key_kind_day")]

    def __str__(self) -> str:
        return f"key {self.key_id}{' (destroyed)' if self.erased_at else ''}"


class RetentionPolicy(models.Model):
    """Keep one kind of data on one channel (or every channel) this many days, then purge it."""

    class Kind(models.TextChoices):
        MESSAGE_TEXT = "message_text", "message text"
        ATTACHMENTS = "attachments", "attachments"
        RECORDINGS = "recordings", "recordings"

    channel = models.CharField(
        max_length=30, blank=True, help_text="webchat, email, sms, …; empty: every channel"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    keep_days = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind"], name="privacy_one_policy_each")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} on {self.channel or 'every channel'}: {self.keep_days} days"
        )


class CustomerAccess(models.Model):
    """Who viewed, exported or erased which customer, and when (the audit page in admin)."""

    class Action(models.TextChoices):
        VIEWED = "viewed"
        EXPORTED = "exported"
        ERASED = "erased"

    at = models.DateTimeField(db_index=True)
    user_id = models.IntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    customer_id = models.CharField(max_length=36, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    via = models.CharField(max_length=20, blank=True)  # admin, api, console, manage.py

    class Meta:
        ordering = ("-at",)
        verbose_name_plural = "customer access (audit)"

    def __str__(self) -> str:
        return f"{self.username or 'system'} {self.action} {self.customer_id}"
