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
