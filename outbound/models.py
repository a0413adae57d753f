"""Campaigns (configuration, edited in Django admin) and the dialler's read models (projected
from the attempt and campaign streams: outbound/projections.py)."""

from datetime import time, timedelta

from django.core.exceptions import ValidationError
from django.db import models

from outbound.eligibility import DEFAULT_RETRIES, CallingWindow
from outbound.pacing import DEFAULT_ABANDON_CAP, Mode, PacingConfig

WEEKDAYS = "0123456"  # Monday … Sunday


class Campaign(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=False, help_text="The dialler works active campaigns.")
    mode = models.CharField(
        max_length=12, choices=[(m.value, m.value) for m in Mode], default=Mode.PREVIEW
    )
    queue = models.ForeignKey(
        "routing.Queue",
        on_delete=models.PROTECT,
        help_text="Agents of this queue work the campaign (blended with its inbound work).",
    )
    twilio_channel = models.ForeignKey(
        "twilio_channels.TwilioChannel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="The number calls come from.",
    )
    script = models.TextField(blank=True, help_text="Shown to the agent with each contact.")
    no_agent_message = models.TextField(
        default="Sorry we missed you: this was a call from us. We will try again later. To "
        "stop our calls, reply STOP to our texts or ask any agent.",
        help_text="Spoken to a person who answers when no agent is free (an abandoned call): "
        "who is calling and how to opt out.",
    )
    window_start = models.TimeField(default=time(9, 0), help_text="Contact's local time.")
    window_end = models.TimeField(default=time(20, 0), help_text="Contact's local time.")
    window_days = models.CharField(
        max_length=7, default="01234", help_text="Days dialled, 0 = Monday … 6 = Sunday."
    )
    max_attempts = models.PositiveSmallIntegerField(default=3)
    abandon_cap = models.FloatField(
        default=DEFAULT_ABANDON_CAP, help_text="Predictive: abandoned ÷ answered, at most."
    )
    abandon_window_hours = models.FloatField(default=24.0)
    max_lines_per_agent = models.FloatField(default=3.0)
    machine_detection = models.BooleanField(
        "answering-machine detection",
        default=True,
        help_text="Twilio AMD (asynchronous): machines are hung up on and retried.",
    )
    do_not_call_lists = models.ManyToManyField(
        "DoNotCallList", blank=True, help_text="Besides the internal list, always checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.window_days or set(self.window_days) - set(WEEKDAYS):
            raise ValidationError({"window_days": "digits 0 (Monday) to 6 (Sunday)"})
        if self.window_start >= self.window_end:
            raise ValidationError({"window_end": "the window must end after it starts"})
        if not 0 <= self.abandon_cap < 1:
            raise ValidationError({"abandon_cap": "a fraction: 0.03 is 3 %"})

    def window(self) -> CallingWindow:
        return CallingWindow(
            self.window_start, self.window_end, frozenset(int(d) for d in self.window_days)
        )

    def pacing(self) -> PacingConfig:
        return PacingConfig(
            mode=Mode(self.mode),
            abandon_cap=self.abandon_cap,
            window_seconds=self.abandon_window_hours * 3600,
            max_lines_per_agent=max(1.0, self.max_lines_per_agent),
        )

    def retries(self) -> dict[str, timedelta | None]:
        rules = dict(DEFAULT_RETRIES)
        for rule in self.retry_rules.all():
            rules[rule.outcome] = (
                None if rule.final else timedelta(minutes=rule.retry_after_minutes)
            )
        return rules


class RetryRule(models.Model):
    """How an attempt's outcome (or the agent's disposition) schedules the next one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="retry_rules")
    outcome = models.CharField(
        max_length=40,
        help_text="busy, no-answer, machine, failed, abandoned, or a disposition's code",
    )
    retry_after_minutes = models.PositiveIntegerField(default=120)
    final = models.BooleanField(default=False, help_text="No more attempts after this.")

    class Meta:
        unique_together = [("campaign", "outcome")]

    def __str__(self) -> str:
        return f"{self.outcome}: {'final' if self.final else f'{self.retry_after_minutes} min'}"


class CampaignContact(models.Model):
    """One person on a campaign's list: imported (CSV/XLSX), merged into a customer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    customer_id = models.CharField(max_length=36, db_index=True)
    phone = models.CharField(max_length=20, help_text="E.164")
    name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, help_text="IANA; from the number or address")
    data = models.JSONField(default=dict, blank=True, help_text="Other columns, for the agent")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("campaign", "phone")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name or self.phone} ({self.campaign})"


class DoNotCallList(models.Model):
    name = models.CharField(max_length=100, unique=True)
    internal = models.BooleanField(
        default=False, help_text="The platform's own list: every campaign checks it."
    )
    source = models.CharField(max_length=200, blank=True, help_text="Where an upload came from")

    class Meta:
        verbose_name = "do-not-call list"

    def __str__(self) -> str:
        return self.name


class DoNotCallNumber(models.Model):
    list = models.ForeignKey(DoNotCallList, on_delete=models.CASCADE, related_name="numbers")
    phone = models.CharField(max_length=20, db_index=True, help_text="E.164")
    reason = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("list", "phone")]
        verbose_name = "do-not-call number"

    def __str__(self) -> str:
        return self.phone


# -- projections of the attempt streams (outbound/projections.py) ----------------------------


class ContactProgress(models.Model):
    """Where a campaign contact stands: attempts so far, the next one, live or finished."""

    contact_id = models.BigIntegerField(primary_key=True)
    campaign_id = models.BigIntegerField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    live_attempt_id = models.CharField(max_length=36, blank=True)
    done = models.BooleanField(default=False)
    last_outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "contact progress"

    def __str__(self) -> str:
        return f"contact {self.contact_id}: {self.attempts} attempts"


class DialAttempt(models.Model):
    id = models.CharField(max_length=36, primary_key=True)
    campaign_id = models.BigIntegerField(db_index=True)
    contact_id = models.BigIntegerField(db_index=True)
    customer_id = models.CharField(max_length=36, blank=True)
    agent = models.CharField(max_length=150, blank=True)  # the agent (user id) on the call
    phone = models.CharField(max_length=20)
    mode = models.CharField(max_length=12)
    call_sid = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=20, default="dialling")  # dialling, answered, ended
    answered_by = models.CharField(max_length=30, blank=True)  # Twilio AMD's AnsweredBy
    outcome = models.CharField(max_length=40, blank=True)
    connected = models.BooleanField(default=False)  # reached an agent
    right_party = models.BooleanField(default=False)
    converted = models.BooleanField(default=False)
    disposition = models.CharField(max_length=50, blank=True)
    placed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"{self.phone} {self.status} {self.outcome}"
