"""Routing configuration (edited in Django admin) and routing read models (projected).

Configuration is plain rows: queues, skills, agents' skills and capacity, calendars. What
happens to interactions and agents is in the event log; AgentState, Timer and QueueState are
its projections.
"""

from datetime import date, datetime, time
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from channels_adapters import base as channel_registry
from routing.calendars import calendar_open

# TaskRouter's published ceiling is 50 per worker per channel; we accept the same.
MAX_CAPACITY = 50


def channel_choices() -> list[tuple[str, str]]:
    """The registered channels (channels_adapters.base): a callable, so a field's choices are
    read after every adapter's AppConfig.ready() has registered its channel."""
    return channel_registry.choices()


class Skill(models.Model):
    name = models.SlugField(max_length=50, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Disposition(models.Model):
    """A wrap-up outcome code, offered to agents of the queues that list it."""

    code = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class BusinessCalendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.timezone not in available_timezones():
            raise ValidationError({"timezone": f"{self.timezone!r} is not a known time zone"})


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.IntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": "Closing time must be after opening time."})


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Queue(models.Model):
    class Strategy(models.TextChoices):
        LONGEST_IDLE = "longest_idle", "Longest idle"
        LEAST_OCCUPIED = "least_occupied", "Least occupied"
        MOST_SKILLED = "most_skilled", "Most skilled"
        ROUND_ROBIN = "round_robin", "Round robin"

    class AfterHours(models.TextChoices):
        QUEUE = "queue", "Queue anyway, until opening"
        MESSAGE = "message", "Queue, and tell the customer we are closed"
        CLOSE = "close", "Tell the customer we are closed, and close"
        REDIRECT = "redirect", "Send to another queue"

    name = models.CharField(max_length=100, unique=True)
    channels = models.JSONField(
        default=list, help_text="Channels this queue takes: webchat, email, sms, voice, slack."
    )
    priority = models.IntegerField(
        default=0, help_text="Higher-priority queues' interactions are served first."
    )
    strategy = models.CharField(
        max_length=20, choices=Strategy.choices, default=Strategy.LONGEST_IDLE
    )
    sl_threshold_seconds = models.PositiveIntegerField(
        "service-level threshold (seconds)",
        default=20,
        validators=[MinValueValidator(1)],
        help_text="Answered within this many seconds counts as within service level.",
    )
    sl_target_percent = models.PositiveIntegerField(
        "service-level target (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    offer_timeout_seconds = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(3600)]
    )
    wrap_up_limit_seconds = models.PositiveIntegerField(
        default=120,
        validators=[MaxValueValidator(24 * 3600)],
        help_text="0: no limit. After it, wrap-up ends on its own with disposition 'timeout'.",
    )
    max_size = models.PositiveIntegerField(
        default=0, help_text="Most interactions that may wait at once; 0: no limit."
    )
    csat_survey = models.BooleanField(
        "ask for a satisfaction rating",
        default=True,
        help_text="When an agent's conversation of this queue ends, ask the customer to rate "
        "it on their channel (on the channels in CSAT_SURVEY_CHANNELS).",
    )
    missed_offers_before_away = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Offers an agent may let time out in a row before being set away.",
    )
    known_agent_window_seconds = models.PositiveIntegerField(
        default=0,
        help_text="Prefer the agent who last served this customer within this many seconds "
        "(0: off).",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Business hours; empty: always open.",
    )
    after_hours_action = models.CharField(
        max_length=10, choices=AfterHours.choices, default=AfterHours.MESSAGE
    )
    after_hours_message = models.TextField(
        blank=True,
        default="We are closed right now. We will answer as soon as we open.",
    )
    after_hours_queue = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For 'send to another queue'.",
    )
    dispositions = models.ManyToManyField(Disposition, blank=True)
    screen_pop_url = models.CharField(
        "screen pop URL",
        max_length=500,
        blank=True,
        help_text="Your CRM's page for the customer, shown in the console beside each "
        "conversation of this queue: a URL with placeholders, e.g. "
        "https://crm.example.com/find?phone={phone}&order={order_number}. Known: "
        "{customer_id}, {interaction_id}, {channel}, {name}, {phone}, {email}, and any "
        "attribute the customer, conversation or flow has.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        known = channel_registry.names()
        unknown = [c for c in self.channels or [] if c not in known]
        if not isinstance(self.channels, list) or not self.channels or unknown:
            raise ValidationError(
                {
                    "channels": f"Choose one or more of {', '.join(known)}"
                    + (f" (unknown: {', '.join(map(str, unknown))})" if unknown else "")
                }
            )
        if self.screen_pop_url and not self.screen_pop_url.startswith(("https://", "http://")):
            raise ValidationError(
                {"screen_pop_url": "Start it with https:// (the console opens it as a link)."}
            )
        if self.after_hours_action == self.AfterHours.REDIRECT:
            if self.after_hours_queue_id is None:
                raise ValidationError({"after_hours_queue": "Choose the queue to send to."})
            if self.after_hours_queue_id == self.pk:
                raise ValidationError({"after_hours_queue": "A queue cannot redirect to itself."})


class QueueSkill(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="required_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE)
    min_level = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "skill"], name="queue_skill_once")]

    def __str__(self) -> str:
        return f"{self.skill} ≥ {self.min_level}"


class OverflowStep(models.Model):
    class Action(models.TextChoices):
        RELAX_SKILL = "relax_skill", "Relax a skill's minimum level"
        ADD_QUEUE_AGENTS = "add_queue_agents", "Add another queue's agents"
        MOVE_TO_QUEUE = "move_to_queue", "Move to another queue"

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="overflow_steps")
    after_seconds = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    action = models.CharField(max_length=20, choices=Action.choices)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.CASCADE)
    relaxed_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text="New minimum level for the skill (0: drop the requirement).",
    )
    target_queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["after_seconds"]

    def __str__(self) -> str:
        return f"after {self.after_seconds}s: {self.get_action_display()}"

    def clean(self) -> None:
        if self.action == self.Action.RELAX_SKILL:
            if self.skill_id is None or self.relaxed_level is None:
                raise ValidationError("Relaxing a skill needs the skill and its new level.")
        elif self.action in (self.Action.ADD_QUEUE_AGENTS, self.Action.MOVE_TO_QUEUE):
            if self.target_queue_id is None:
                raise ValidationError({"target_queue": "Choose the other queue."})
            if self.target_queue_id == self.queue_id:
                raise ValidationError(
                    {"target_queue": "An overflow step cannot point at its own queue."}
                )


class Team(models.Model):
    """People supervised together: its leads supervise its members only (the wallboard,
    monitoring, presence, QA and reports, filtered to them; contactcenter/access.py). An
    agent may be in several teams, and a lead may lead several."""

    name = models.CharField(max_length=100, unique=True)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    display_name = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(blank=True)
    queues = models.ManyToManyField(Queue, blank=True, related_name="agents")
    voice_blocks_other_work = models.BooleanField(
        default=True,
        help_text="While on a call (any exclusive channel's work), nothing else is offered.",
    )
    voice_endpoint = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where accepted calls ring: +E.164 number, sip:… URI or client:identity.",
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.username

    def capacity(self) -> dict[str, int]:
        """Interactions at once per registered channel: the agent's AgentCapacity rows, else
        each channel's default (so a new channel is routed without any row)."""
        own = {row.channel: row.capacity for row in self.capacities.all()}
        return {
            name: own.get(name, default)
            for name, default in channel_registry.default_capacities().items()
        }


class AgentCapacity(models.Model):
    """How many interactions of one channel an agent takes at once (0: none). Without a row
    the channel's default capacity applies."""

    agent = models.ForeignKey(AgentProfile, on_delete=models.CASCADE, related_name="capacities")
    channel = models.CharField(max_length=10, choices=channel_choices)
    capacity = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(MAX_CAPACITY)], help_text="At once (0: none)."
    )

    class Meta:
        ordering = ["channel"]
        verbose_name_plural = "capacities"
        constraints = [
            models.UniqueConstraint(fields=["agent", "channel"], name="agent_capacity_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.capacity}"

    def clean(self) -> None:
        channel = channel_registry.channel(self.channel)
        if channel and self.capacity is not None and self.capacity > channel.max_capacity:
            raise ValidationError(
                {"capacity": f"{channel.label} takes at most {channel.max_capacity} at once."}
            )


class AgentSkill(models.Model):
    agent = models.ForeignKey(AgentProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="1 (novice) to 10."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "skill"], name="agent_skill_once")]

    def __str__(self) -> str:
        return f"{self.skill} {self.level}"


class AwayReason(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    limit_minutes = models.PositiveIntegerField(
        default=0, help_text="Alert supervisors after this long away (0: never)."
    )

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class EntryPoint(models.Model):
    """Where interactions arriving on a channel go first: a queue (or, with flows, a flow)."""

    channel = models.CharField(max_length=10, choices=channel_choices)
    channel_key = models.CharField(
        max_length=200,
        default="*",
        help_text="The configured channel (chat key, inbox, number, Slack team); * for any.",
    )
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE)
    priority = models.IntegerField(default=0)
    flow = models.ForeignKey(
        "flows.Flow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entry_points",
        help_text="Self-service first (not for email, which gets the flow's acknowledgement); "
        "the queue is where the flow's customers go if it cannot run.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "channel_key"], name="entry_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.channel_key} → {self.queue}"

    def clean(self) -> None:
        if self.queue_id and self.channel not in (self.queue.channels or []):
            raise ValidationError({"queue": f"{self.queue} does not take {self.channel}."})


def is_open(calendar: "BusinessCalendar | None", at: datetime) -> bool:
    """Whether `calendar` is open at `at` (no calendar: always open)."""
    if calendar is None:
        return True
    return calendar_open(_hours(calendar), _holidays(calendar), calendar.timezone, at)


def _hours(calendar: BusinessCalendar) -> list[tuple[int, time, time]]:
    return [(h.weekday, h.opens, h.closes) for h in calendar.hours.all()]


def _holidays(calendar: BusinessCalendar) -> set[date]:
    return {h.date for h in calendar.holidays.all()}


# -- projections ----------------------------------------------------------------------------


class ConfigurationGeneration(models.Model):
    """A number every change to routing's configuration bumps (routing/config.py): a process
    holding a snapshot asks for this one row, not the whole configuration, to know it is
    current. No row yet reads as generation 0."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=0)

    class Meta:
        db_table = "routing_configuration_generation"

    def __str__(self) -> str:
        return f"configuration generation {self.number}"


class AgentState(models.Model):
    """An agent's presence and current work, projected from the log."""

    agent_id = models.IntegerField(primary_key=True)  # the user id
    version = models.PositiveIntegerField(default=0)  # of the agent stream
    presence = models.CharField(max_length=10, default="offline")  # offline, available, away
    away_reason = models.CharField(max_length=50, blank=True)
    presence_since = models.DateTimeField(null=True, blank=True)
    # interaction id -> {"channel": ..., "state": offered|active|wrap_up, "since": ISO}
    work = models.JSONField(default=dict)
    idle_since = models.DateTimeField(null=True, blank=True)
    last_offer_at = models.DateTimeField(null=True, blank=True)
    missed_in_a_row = models.PositiveIntegerField(default=0)
    # Set from the agent's last console going away until one comes back (or the grace ends
    # in offline): no new offers meanwhile (routing/consoles.py).
    disconnected_since = models.DateTimeField(null=True, blank=True)
    # The console's softphone is on with the microphone allowed: a softphone agent's voice
    # capacity counts only while it is (routing/presence.py).
    softphone_on = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"agent {self.agent_id}: {self.presence}"

    def load(self) -> dict[str, int]:
        return load_of(self.work)

    @property
    def activity(self) -> str:
        """Derived: idle, busy (offered or active work) or wrap_up (only wrap-up left)."""
        states = {item["state"] for item in self.work.values()}
        if not states:
            return "idle"
        return "wrap_up" if states == {"wrap_up"} else "busy"


def load_of(work: dict[str, dict]) -> dict[str, int]:
    """How many pieces of an agent's work (AgentState.work) are on each channel."""
    counts = dict.fromkeys(channel_registry.names(), 0)
    for item in work.values():
        counts[item["channel"]] = counts.get(item["channel"], 0) + 1
    return counts


class Timer(models.Model):
    """Something the router must do at a time: projected from the events that start it, gone
    with the events that end it, so a restarted router misses none."""

    key = models.CharField(max_length=120, primary_key=True)  # "<kind>:<interaction>"
    kind = models.CharField(max_length=20)  # offer_timeout, wrap_up_end, overflow, abandon
    due_at = models.DateTimeField(db_index=True)
    interaction_id = models.CharField(max_length=36)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.key} at {self.due_at:%H:%M:%S}"


class QueueState(models.Model):
    """Whether a queue is open, as last recorded by a router."""

    queue_id = models.IntegerField(primary_key=True)
    version = models.PositiveIntegerField(default=0)
    is_open = models.BooleanField(default=True)
    since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"queue {self.queue_id}: {'open' if self.is_open else 'closed'}"


# Which server processes hold which agents' console sockets (routing/consoles.py): operational
# bookkeeping, not facts of the business, so plain rows outside the log.
class ConsoleServer(models.Model):
    """A server process holding agent sockets, and until when it is believed alive."""

    process = models.CharField(max_length=200, primary_key=True)
    lease_until = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "routing_console_server"

    def __str__(self) -> str:
        return f"{self.process} until {self.lease_until:%H:%M:%S}"


class ConsoleSocket(models.Model):
    """One open console socket of an agent, on a server process."""

    channel_name = models.CharField(max_length=200, primary_key=True)
    agent_id = models.IntegerField(db_index=True)
    process = models.CharField(max_length=200, db_index=True)
    opened_at = models.DateTimeField()

    class Meta:
        db_table = "routing_console_socket"

    def __str__(self) -> str:
        return f"agent {self.agent_id} on {self.process}"
