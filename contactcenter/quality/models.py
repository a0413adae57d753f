"""Quality assurance: scorecards (configuration, edited in admin) and evaluations (projected
from the evaluation events, never written by hand)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Scorecard(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text="Offered to supervisors for scoring.")
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)", default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def problems(self) -> list[str]:
        """Why this scorecard cannot score anything yet (empty: it can)."""
        found = []
        sections = list(self.sections.prefetch_related("criteria"))
        if not sections:
            found.append("it has no sections")
        for section in sections:
            criteria = list(section.criteria.all())
            if not criteria:
                found.append(f"section {section.title!r} has no criteria")
            elif not any(c.weight > 0 for c in criteria) and not any(c.auto_fail for c in criteria):
                found.append(f"section {section.title!r} has no weighted criterion")
        return found


class Section(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Its share of the total score, relative to the other sections' weights.",
    )

    class Meta:
        ordering = ["scorecard", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "title"], name="section_title_once")
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} · {self.title}"


class Criterion(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(max_length=300, help_text="What the evaluator checks.")
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(1000)],
        help_text="Its share of the section's score (0: counts only as an auto-fail check).",
    )
    max_points = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="1: met / not met. More: a scale from 0 to this.",
    )
    auto_fail = models.BooleanField(
        default=False, help_text="Scoring 0 here fails the whole evaluation (score 0)."
    )
    allow_na = models.BooleanField("may be N/A", default=True)
    automatic = models.CharField(
        max_length=20,
        blank=True,
        choices=[("", "—"), ("script_adherence", "Script adherence")],
        help_text="Scored from what the platform recorded (the evaluator may still change "
        "it): script adherence is the share of the guided script's required steps done.",
    )

    class Meta:
        ordering = ["section", "order", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.text

    @property
    def points_range(self) -> range:
        return range(self.max_points, -1, -1)

    def clean(self) -> None:
        if self.auto_fail and self.allow_na:
            raise ValidationError({"allow_na": "An auto-fail criterion is always scored."})
        if not self.auto_fail and self.weight == 0:
            raise ValidationError({"weight": "Only an auto-fail criterion may weigh 0."})


class Evaluation(models.Model):
    id = models.CharField(max_length=36, primary_key=True)
    version = models.PositiveIntegerField(default=0)
    interaction_id = models.CharField(max_length=36, db_index=True)
    agent_id = models.IntegerField(db_index=True)
    evaluator_id = models.IntegerField()
    scorecard_id = models.IntegerField()
    scorecard_name = models.CharField(max_length=100)
    score = models.FloatField()
    auto_failed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    items = models.JSONField(default=list)
    submitted_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_comment = models.TextField(blank=True)
    calibration_id = models.CharField(max_length=36, blank=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.scorecard_name}: {self.score:.0f} %"


class EvaluationItem(models.Model):
    """One criterion's result in one evaluation: what the by-criterion report sums."""

    key = models.CharField(max_length=60, primary_key=True)  # "<evaluation>:<criterion>"
    evaluation_id = models.CharField(max_length=36)
    agent_id = models.IntegerField()
    submitted_at = models.DateTimeField(db_index=True)
    scorecard_name = models.CharField(max_length=100)
    criterion_id = models.IntegerField()
    section = models.CharField(max_length=100)
    criterion = models.CharField(max_length=300)
    max_points = models.PositiveSmallIntegerField()
    points = models.PositiveSmallIntegerField(null=True)  # None: not applicable
    auto_fail = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.key


class Calibration(models.Model):
    """A calibration: evaluators scoring one interaction blind (projected from its stream)."""

    id = models.CharField(max_length=36, primary_key=True)
    version = models.PositiveIntegerField(default=0)
    interaction_id = models.CharField(max_length=36, db_index=True)
    scorecard_id = models.IntegerField()
    scorecard_name = models.CharField(max_length=100)
    evaluator_ids = models.JSONField(default=list)
    scored = models.JSONField(default=dict)  # evaluator id (text) -> evaluation id
    opened_by = models.IntegerField()
    opened_at = models.DateTimeField(db_index=True)
    complete = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.scorecard_name} calibration of {self.interaction_id[:8]}"

    def has_scored(self, evaluator_id: int) -> bool:
        return str(evaluator_id) in self.scored

    def waiting_for(self) -> list[int]:
        return [e for e in self.evaluator_ids if not self.has_scored(e)]


class SamplingRule(models.Model):
    """Which closed interactions QA scores: up to `per_agent` of each agent's, per period,
    chosen by the rule's kind (contactcenter/quality/sampling.py)."""

    class Kind(models.TextChoices):
        RANDOM = "random", "Random"
        LOW_CSAT = "low_csat", "Low CSAT"
        LONG_HANDLE = "long_handle", "Long handle time"
        NEGATIVE_SENTIMENT = "negative_sentiment", "Negative sentiment"
        KEYWORD = "keyword", "Keyword"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RANDOM)
    scorecard = models.ForeignKey(
        Scorecard,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The scorecard its picks are scored on (empty: the evaluator chooses).",
    )
    per_agent = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    period_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(92)],
        help_text="Picks come from interactions closed in the last this many days, and "
        "count against per_agent for as long.",
    )
    csat_at_most = models.PositiveSmallIntegerField(
        "CSAT at most", default=2, help_text="Low CSAT: ratings of this or lower."
    )
    handle_minutes_at_least = models.PositiveIntegerField(
        default=10, help_text="Long handle time: answered to ended, in minutes."
    )
    sentiment_below = models.FloatField(
        default=-0.3,
        validators=[MinValueValidator(-1.0), MaxValueValidator(1.0)],
        help_text="Negative sentiment: the customer's lowest message score (-1..1) at or below.",
    )
    keyword = models.CharField(
        max_length=100, blank=True, help_text="Keyword: a word or phrase, in any case."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.KEYWORD and not self.keyword.strip():
            raise ValidationError({"keyword": "A keyword rule needs its keyword."})


class SampledInteraction(models.Model):
    """An interaction a sampling rule picked for QA (projected from the rule's stream)."""

    key = models.CharField(max_length=80, primary_key=True)  # "<rule>:<interaction>"
    rule_id = models.IntegerField(db_index=True)
    rule_name = models.CharField(max_length=100)
    scorecard_id = models.IntegerField(null=True)
    interaction_id = models.CharField(max_length=36, db_index=True)
    agent_id = models.IntegerField(db_index=True)
    reason = models.CharField(max_length=200)
    picked_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-picked_at", "key"]

    def __str__(self) -> str:
        return self.key


class CoachingSession(models.Model):
    """A coaching session with an agent (projected from its stream, `coaching-<id>`)."""

    id = models.CharField(max_length=36, primary_key=True)
    version = models.PositiveIntegerField(default=0)
    agent_id = models.IntegerField(db_index=True)
    coach_id = models.IntegerField()
    evaluation_ids = models.JSONField(default=list)
    focus = models.JSONField(default=list)  # [{criterion_id, criterion}]
    goals = models.JSONField(default=list)
    due_on = models.DateField()
    note = models.TextField(blank=True)
    planned_at = models.DateTimeField(db_index=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_note = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-planned_at"]

    def __str__(self) -> str:
        return f"coaching of agent {self.agent_id}, due {self.due_on}"
