"""Workforce management rows.

Configuration is plain rows edited in Django admin (shift templates, contracts, availability,
special days), like routing's queues and skills. Schedules are event-sourced: the `schedule-<id>`
stream (wfm/events.py) is the truth, and `Schedule` / `ScheduledShift` are its inline
projection (wfm/projections.py), keyed naturally so a rebuild arrives at the same rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class ShiftTemplate(models.Model):
    """A kind of shift: its length, when it may start, and its breaks and lunch.

    `breaks` is a list of {"kind": "break"|"lunch", "minutes", "earliest", "latest", "paid"}:
    each break starts between `earliest` and `latest` minutes after the shift starts."""

    name = models.SlugField(max_length=50, unique=True)
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(15)])
    earliest_start = models.TimeField()
    latest_start = models.TimeField()
    start_step_minutes = models.PositiveIntegerField(default=30)
    breaks = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.latest_start < self.earliest_start:
            raise ValidationError("The latest start is before the earliest.")
        for rule in self.breaks or []:
            if not isinstance(rule, dict) or rule.get("kind") not in ("break", "lunch"):
                raise ValidationError('Each break is {"kind": "break" or "lunch", ...}.')
            if not all(isinstance(rule.get(k), int) for k in ("minutes", "earliest", "latest")):
                raise ValidationError("A break needs whole minutes, earliest and latest.")
            if not 0 <= rule["earliest"] <= rule["latest"] < self.minutes or rule["minutes"] <= 0:
                raise ValidationError("A break's window must lie inside the shift.")


class Contract(models.Model):
    """An agent's contract: paid hours per week, days per week, the shift templates allowed."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wfm_contract"
    )
    min_hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    max_hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, default=40)
    max_days_per_week = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    templates = models.ManyToManyField(ShiftTemplate, blank=True, help_text="None: any.")

    def __str__(self) -> str:
        return f"{self.agent}: {self.min_hours_per_week}-{self.max_hours_per_week} h/week"


class Availability(models.Model):
    """When an agent can work on a weekday. An agent with no rows is available at any time;
    one with rows only within them (a weekday without a row is a day off)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wfm_availability"
    )
    weekday = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(6)], help_text="0 = Monday"
    )
    available_from = models.TimeField()
    available_to = models.TimeField()

    class Meta:
        verbose_name_plural = "availability"
        constraints = [
            models.UniqueConstraint(fields=["agent", "weekday"], name="wfm_availability_once")
        ]

    def __str__(self) -> str:
        return f"{self.agent} day {self.weekday}: {self.available_from}-{self.available_to}"


class SpecialDay(models.Model):
    """A day whose volume is `factor` times a normal day's (0: closed), for every queue or
    one; the forecast divides it out of the history and multiplies it into the future."""

    date = models.DateField()
    queue = models.ForeignKey("routing.Queue", null=True, blank=True, on_delete=models.CASCADE)
    factor = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} x{self.factor} {self.name}"


class Schedule(models.Model):
    """Projection of a `schedule-<id>` stream."""

    id = models.CharField(max_length=40, primary_key=True)
    first_day = models.DateField()
    days = models.PositiveSmallIntegerField()
    interval_minutes = models.PositiveSmallIntegerField()
    generated_at = models.DateTimeField()
    generated_by = models.CharField(max_length=60, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_version = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    edits = models.PositiveIntegerField(default=0)
    required = models.PositiveIntegerField(default=0)  # agent-intervals
    under = models.PositiveIntegerField(default=0)
    over = models.PositiveIntegerField(default=0)
    queues = models.JSONField(default=list)
    requirement = models.JSONField(default=dict)  # queue -> agents per interval

    class Meta:
        ordering = ["-first_day", "-generated_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.first_day}, {self.days} days)"

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def coverage_gap(self) -> float:
        return self.under / self.required if self.required else 0.0


class ScheduledShift(models.Model):
    """One agent's shift on one day of a schedule; key `<schedule>:<agent>:<YYYY-MM-DD>`.
    `activities` is a list of {"kind": work|break|lunch, "start": ISO, "end": ISO}.

    start/end/activities are the draft (what supervisors edit); `published` is the shift as
    agents were last shown it ({"start", "end", "activities"}, or null: not yet published),
    and `removed` marks a published shift the draft has taken away."""

    key = models.CharField(max_length=80, primary_key=True)
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="shifts")
    agent_id = models.IntegerField()
    day = models.DateField()
    template = models.CharField(max_length=50, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    activities = models.JSONField(default=list)
    edited = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    published = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["day", "start", "agent_id"]
        indexes = [models.Index(fields=["agent_id", "start"], name="wfm_shift_agent")]

    def __str__(self) -> str:
        return self.key
