"""KPI read models: interval facts, and the clocks the projection keeps between events.

Everything here is written by the `kpis` catch-up projection (contactcenter/kpis/projections.py)
and nothing else; `rebuild_projections kpis` arrives at the same rows. Durations are integer
milliseconds, so facts split at any point add up exactly whichever way the log was batched.
docs/kpis.md gives the formula behind every column.
"""

from django.db import models


class Counters(models.Model):
    """The sums every fact holds (docs/kpis.md: what each counts)."""

    offered = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_in_sl = models.IntegerField(default=0)
    answer_wait_ms = models.BigIntegerField(default=0)
    abandoned = models.IntegerField(default=0)
    abandoned_short = models.IntegerField(default=0)
    abandon_wait_ms = models.BigIntegerField(default=0)
    left_unanswered = models.IntegerField(default=0)

    # Handles of inbound contacts (the customer reached us): AHT, wrap-up, transfers.
    handled = models.IntegerField(default=0)
    handle_ms = models.BigIntegerField(default=0)
    wrapped = models.IntegerField(default=0)
    wrap_ms = models.BigIntegerField(default=0)
    transferred = models.IntegerField(default=0)
    # Outbound contacts (an agent reached out: click-to-call, click-to-contact, the API):
    # started, and their handles apart, so the inbound AHT that staffing uses stays inbound.
    outbound_started = models.IntegerField(default=0)
    outbound_handled = models.IntegerField(default=0)
    outbound_handle_ms = models.BigIntegerField(default=0)
    outbound_wrapped = models.IntegerField(default=0)
    outbound_wrap_ms = models.BigIntegerField(default=0)

    first_responses = models.IntegerField(default=0)
    first_response_ms = models.BigIntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolution_ms = models.BigIntegerField(default=0)
    fcr_candidates = models.IntegerField(default=0)
    fcr_repeated = models.IntegerField(default=0)

    csat_count = models.IntegerField(default=0)
    csat_sum = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    csat_surveys = models.IntegerField(default=0)  # surveys sent (CsatSurveySent)
    csat_survey_answers = models.IntegerField(default=0)  # of those, rated

    # what the channel's provider bills (channels_adapters/base.py, Billing): its units, and
    # their cost at COST_PER_CHANNEL_UNIT when counted, in millionths of the currency
    channel_units = models.BigIntegerField(default=0)
    channel_cost_micros = models.BigIntegerField(default=0)

    logged_in_ms = models.BigIntegerField(default=0)
    occupiable_ms = models.BigIntegerField(default=0)
    working_ms = models.BigIntegerField(default=0)
    # milliseconds * parts per million of the agent's capacity in use: integer, so exact
    capacity_used_ppm_ms = models.BigIntegerField(default=0)
    away_ms = models.BigIntegerField(default=0)
    offers = models.IntegerField(default=0)
    offers_rejected = models.IntegerField(default=0)
    offers_missed = models.IntegerField(default=0)

    class Meta:
        abstract = True


COUNTERS = tuple(field.name for field in Counters._meta.fields)


class Dimension(models.TextChoices):
    QUEUE = "queue"
    AGENT = "agent"
    CHANNEL = "channel"


class IntervalFact(Counters):
    """Counters of one 15-minute interval for one queue, agent or channel.

    The key is natural: `<bucket>|<dimension>|<id>`, e.g. `2026-01-05T10:15|queue|3` (UTC).
    Every column is a sum, so any range of intervals adds up to true means and rates.
    """

    key = models.CharField(max_length=80, primary_key=True)
    bucket = models.DateTimeField()
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    dimension_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["bucket", "dimension", "dimension_id"]
        indexes = [models.Index(fields=["dimension", "bucket"], name="kpi_fact_range")]

    def __str__(self) -> str:
        return self.key


class DailyFact(Counters):
    """The same counters summed over a day of the TIME_ZONE (`2026-01-05|agent|7`), so a
    month's report by agent reads thirty rows an agent instead of three thousand."""

    key = models.CharField(max_length=80, primary_key=True)
    day = models.DateField()
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    dimension_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["day", "dimension", "dimension_id"]
        indexes = [models.Index(fields=["dimension", "day"], name="kpi_daily_range")]

    def __str__(self) -> str:
        return self.key


class InteractionClock(models.Model):
    """Where one interaction's clocks stand: in which queue it waits and since when, who
    handles it since when, whether its contact was answered, responded to, rated."""

    interaction_id = models.CharField(max_length=36, primary_key=True)
    channel = models.CharField(max_length=20)
    customer_id = models.CharField(max_length=36)
    inbound = models.BooleanField(default=True)
    queue_id = models.IntegerField(null=True)  # the queue it waits in, or was last in
    sl_threshold_ms = models.BigIntegerField(default=0)  # of the current queue visit
    visit_started_ms = models.BigIntegerField(null=True)  # waiting in queue_id since
    contact_opened_ms = models.BigIntegerField(null=True)  # created or reopened at
    contact_queued_ms = models.BigIntegerField(null=True)  # first queued in this contact
    contact_sl_threshold_ms = models.BigIntegerField(default=0)
    contact_answered = models.BooleanField(default=False)
    awaiting_first_response = models.BooleanField(default=False)
    agent_id = models.IntegerField(null=True)  # handling it now
    segment_queue_id = models.IntegerField(null=True)  # the queue its handling counts in
    answered_ms = models.BigIntegerField(null=True)  # this segment's start
    handle_ms = models.BigIntegerField(default=0)  # this segment's conversation, once ended
    wrap_started_ms = models.BigIntegerField(null=True)
    last_agent_id = models.IntegerField(null=True)
    rating = models.JSONField(null=True)  # the counted CSAT: rating and the facts it went to
    survey_facts = models.JSONField(null=True)  # where its survey was counted, once asked
    # billed before it reached a queue (the text that opened it): counted for the queue it
    # first enters, when it does
    unqueued_units = models.BigIntegerField(default=0)
    unqueued_cost_micros = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.interaction_id


class AgentClock(models.Model):
    """An agent's presence and work since the last time their time was counted."""

    agent_id = models.IntegerField(primary_key=True)
    presence = models.CharField(max_length=10, default="offline")
    since_ms = models.BigIntegerField(default=0)  # counted up to here
    capacity = models.JSONField(default=dict)  # from the last presence change
    work = models.JSONField(default=dict)  # interaction id -> channel (answered, not done)
    clocking = models.BooleanField(default=False)  # logged in or holding work

    def __str__(self) -> str:
        return f"agent {self.agent_id}: {self.presence}"


class RepeatWatch(models.Model):
    """A customer's recently resolved contacts, waiting to see whether they come back within
    the first-contact-resolution window."""

    customer_id = models.CharField(max_length=36, primary_key=True)
    resolved = models.JSONField(default=list)  # [{"at": ms, "facts": [keys]}]

    def __str__(self) -> str:
        return self.customer_id


class KpiWatermark(models.Model):
    """The latest event time the projection has seen (agents' time is counted up to it)."""

    name = models.CharField(max_length=20, primary_key=True)
    at_ms = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.at_ms}"
