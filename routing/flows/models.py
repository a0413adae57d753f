"""Flow definitions as admins edit them: a flow and its steps. `definition()` turns the rows
into the engine's pure `FlowDefinition`; `engine.validate` decides whether it can run."""

import base64
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models

from routing.flows import engine
from routing.models import BusinessCalendar, Queue


class Flow(models.Model):
    key = models.SlugField(max_length=50, unique=True, help_text="Recorded in every flow event.")
    name = models.CharField(max_length=100)
    start_step = models.SlugField(max_length=50, help_text="The id of the first step.")
    no_match_text = models.CharField(
        max_length=300,
        default="Sorry, I did not get that.",
        help_text="Said before a prompt is repeated after an answer that did not fit.",
    )
    email_acknowledgement = models.TextField(
        blank=True,
        help_text="E-mail skips flows: this is sent instead (empty: nothing), then the entry "
        "point's queue takes the mail.",
    )
    voice_language = models.CharField(
        max_length=10, default="en-US", help_text="Language of spoken prompts and speech input."
    )
    idle_minutes = models.PositiveIntegerField(
        default=30,
        help_text="A customer who does not answer a step within this long has left: the "
        "interaction is abandoned there (an SMS or chat customer who stopped replying).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def definition(self) -> engine.FlowDefinition:
        steps = self.steps.select_related("queue", "calendar").prefetch_related(
            "calendar__hours", "calendar__holidays"
        )
        return engine.FlowDefinition(
            key=self.key,
            name=self.name,
            start=self.start_step,
            steps={s.step_id: s.as_step() for s in steps},
            no_match_text=self.no_match_text,
            idle_seconds=self.idle_minutes * 60,
        )


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Lookup(models.Model):
    """A business system a flow's lookup step asks (an order, an account, a booking): an HTTPS
    endpoint that takes the step's values as JSON and answers with a JSON object.
    routing/flows/lookups.py calls it; docs/flows.md says what it is sent and must answer."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["https"])],
        help_text="HTTPS only: the request carries the customer's answers.",
    )
    secret = models.CharField(
        max_length=100,
        default=_new_secret,
        help_text="Signs each request (Standard Webhooks: webhook-id, webhook-timestamp, "
        "webhook-signature headers), so the endpoint can tell it is us.",
    )
    trusted_ca = models.TextField(
        "trusted CA (PEM)",
        blank=True,
        help_text="For a system whose certificate a private CA signed: that CA's certificate. "
        "Empty: the certificates this machine trusts.",
    )
    timeout_ms = models.PositiveIntegerField(
        default=2000,
        validators=[MinValueValidator(100), MaxValueValidator(5000)],
        help_text="Each attempt's limit. The customer waits for it: keep it short.",
    )
    retries = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(3)],
        help_text="Attempts after the first, on a timeout, no connection or a 5xx answer.",
    )
    failure_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Failed lookups in a row that open the circuit: then the flows take the "
        "fallback at once, without asking.",
    )
    open_seconds = models.PositiveIntegerField(
        default=30, help_text="How long the circuit stays open before one trial call."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FlowStep(models.Model):
    Kind = engine.Kind

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="steps")
    step_id = models.SlugField("id", max_length=50)
    kind = models.CharField(max_length=10, choices=[(k.value, k.label) for k in engine.Kind])
    text = models.TextField(
        blank=True, help_text="What the customer reads or hears at this step (the prompt)."
    )
    options = models.TextField(
        blank=True,
        help_text="Menu: one option a line, 'value | label | next step', e.g. "
        "'1 | Billing | billing'.",
    )
    next_step = models.SlugField(
        max_length=50,
        blank=True,
        help_text="Then (message, collect, set); while open (business hours); if it holds "
        "(condition).",
    )
    fallback_step = models.SlugField(
        max_length=50,
        blank=True,
        help_text="Menu, collect, voicemail: after the retries run out (empty: the entry "
        "point's queue). Business hours: while closed. Condition: if it does not hold. Callback: "
        "when there is no number.",
    )
    retries = models.PositiveSmallIntegerField(
        default=2, help_text="Menu or collect: answers that do not fit, before the fallback."
    )
    attribute = models.SlugField(
        max_length=50,
        blank=True,
        help_text="Collect: the attribute the answer is stored in (e.g. account_number). "
        "Condition: 'label', or the key of a custom attribute to compare (a lookup's kept "
        "fields too).",
    )
    pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text=r"Collect: a regular expression the whole answer must match (e.g. \d{6,10}). "
        "Condition: the label, or the attribute's value (empty: any value).",
    )
    assignments = models.TextField(
        blank=True,
        help_text="Set: one 'name = value' a line: skill = billing:5, priority = 3, "
        "language = es, account_number = …, or any other attribute for the agent to see. "
        "Lookup: one 'attribute = answer field' a line: shipped_on = shipment.date.",
    )
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Route, voicemail, callback: the queue the interaction waits in.",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Business hours: the calendar to check.",
    )
    lookup = models.ForeignKey(
        Lookup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Lookup: the business system to ask.",
    )
    inputs = models.CharField(
        max_length=300,
        blank=True,
        help_text="Lookup: the attributes sent, comma-separated (e.g. order_number, email). "
        "Its assignments keep the answer's fields: 'shipped_on = shipment.date'.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "step_id"], name="flow_step_id_once")
        ]

    def __str__(self) -> str:
        return f"{self.step_id} ({self.get_kind_display()})"

    def as_step(self) -> engine.Step:
        calendar = self.calendar
        return engine.Step(
            id=self.step_id,
            kind=engine.Kind(self.kind),
            text=self.text,
            options=parse_options(self.options),
            next=self.next_step,
            fallback=self.fallback_step,
            retries=self.retries,
            attribute=self.attribute,
            pattern=self.pattern,
            assignments=parse_assignments(self.assignments),
            queue_id=self.queue_id,
            lookup_id=self.lookup_id,
            inputs=parse_inputs(self.inputs),
            queue_channels=tuple(self.queue.channels or ()) if self.queue else (),
            hours=None
            if calendar is None
            else engine.Hours(
                weekly=tuple((h.weekday, h.opens, h.closes) for h in calendar.hours.all()),
                holidays=frozenset(h.date for h in calendar.holidays.all()),
                timezone=calendar.timezone,
            ),
        )


def parse_options(text: str) -> tuple[engine.Option, ...]:
    options = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(
                f"option line {number} ({line.strip()!r}) should read 'value | label | next step'"
            )
        options.append(engine.Option(value=parts[0], label=parts[1], next=parts[2]))
    return tuple(options)


def parse_inputs(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    for name in names:
        if not name.replace("_", "").replace("-", "").isalnum():
            raise ValidationError(f"input {name!r} is not an attribute's name")
    return names


def parse_assignments(text: str) -> dict[str, str]:
    assignments = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = (part.strip() for part in line.partition("="))
        if not sep or not name or not value:
            raise ValidationError(f"line {number} ({line.strip()!r}) should read 'name = value'")
        assignments[name] = value
    return assignments


# -- projection ------------------------------------------------------------------------------


class FlowSession(models.Model):
    """One interaction's way through its flow, projected from the flow events: what the agent's
    customer panel shows, and what containment and drop-off are counted from."""

    interaction_id = models.CharField(max_length=36, primary_key=True)
    flow = models.CharField(max_length=50, db_index=True)
    started_at = models.DateTimeField()
    current_step = models.CharField(max_length=50, blank=True)
    # [{"step", "kind", "answer"?, "valid"?, "note"?}], in the order the customer went
    path = models.JSONField(default=list)
    attributes = models.JSONField(default=dict)
    outcome = models.CharField(max_length=20, blank=True)  # queued, ended, voicemail, …
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.flow} {self.interaction_id[:8]}: {self.outcome or self.current_step}"
