"""Guided scripts as admins edit them (admin, *Guided scripts*): per queue, steps with text,
branches and whether they are required. `definition()` gives the pure `guide.Script`."""

from django.core.exceptions import ValidationError
from django.db import models

from contactcenter.scripts import guide


class Script(models.Model):
    name = models.CharField(max_length=100, unique=True)
    queues = models.ManyToManyField(
        "routing.Queue",
        blank=True,
        related_name="scripts",
        help_text="Conversations of these queues show the script beside them (a campaign's "
        "calls: its queue's).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def definition(self) -> guide.Script:
        return guide.Script(self.name, tuple(s.as_step() for s in self.steps.all()))


class ScriptStep(models.Model):
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="steps")
    step_id = models.SlugField("id", max_length=50)
    text = models.TextField(help_text="What the agent says or does.")
    required = models.BooleanField(
        default=False, help_text="Must be done before wrap-up (unless a branch skipped it)."
    )
    options = models.TextField(
        blank=True,
        help_text="A question's answers, one a line: 'label | next step', e.g. "
        "'Yes | offer' (empty: the agent marks it done).",
    )
    next_step = models.SlugField(
        max_length=50, blank=True, help_text="Then (empty: the next step in order)."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["script", "step_id"], name="script_step_id_once")
        ]

    def __str__(self) -> str:
        return self.step_id

    def as_step(self) -> guide.Step:
        return guide.Step(
            id=self.step_id,
            text=self.text,
            required=self.required,
            options=parse_options(self.options),
            next=self.next_step,
        )


def parse_options(text: str) -> tuple[guide.Option, ...]:
    options = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, target = (part.strip() for part in line.partition("|"))
        if not sep or not label or not target:
            raise ValidationError(f"option line {number} should read 'label | next step'")
        options.append(guide.Option(label, target))
    return tuple(options)
