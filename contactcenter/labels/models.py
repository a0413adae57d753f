"""Labels and custom attributes: what an administrator defines (admin), and what is set on
conversations and customers (projected from the log, never written by hand)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models


class Subject(models.TextChoices):
    CONVERSATION = "conversation"
    CUSTOMER = "customer"


class LabelDefinition(models.Model):
    """A label agents may put on conversations, customers or both (`vip`, `complaint`)."""

    name = models.SlugField(max_length=50, unique=True, help_text="e.g. vip, complaint")
    title = models.CharField(max_length=100, help_text="What agents read.")
    color = models.CharField(
        max_length=7,
        default="#3b5bdb",
        help_text="#rrggbb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "a colour reads #rrggbb")],
    )
    on_conversations = models.BooleanField(default=True)
    on_customers = models.BooleanField(default=True)
    active = models.BooleanField(default=True, help_text="Inactive: kept where set, not offered.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title or self.name

    def applies_to(self, subject: str) -> bool:
        return self.on_conversations if subject == Subject.CONVERSATION else self.on_customers


class AttributeDefinition(models.Model):
    """A custom attribute of conversations or of customers (`tier`, `order_number`)."""

    class Kind(models.TextChoices):
        TEXT = "text"
        NUMBER = "number"
        DATE = "date"
        YES_NO = "yes_no", "yes / no"
        CHOICE = "choice"

    key = models.SlugField(max_length=50, help_text="e.g. tier, order_number")
    title = models.CharField(max_length=100)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.CharField(
        max_length=500, blank=True, help_text="Choice: the values, separated by commas."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["subject", "key"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "key"], name="one_attribute_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.subject})"

    def clean(self) -> None:
        if self.kind == self.Kind.CHOICE and not self.choice_list():
            raise ValidationError({"choices": "a choice attribute needs its values"})

    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.split(",") if c.strip()]


class Labelled(models.Model):
    """One label on one conversation or customer (projected)."""

    id = models.CharField(max_length=140, primary_key=True)  # "<subject>:<id>:<label>"
    subject = models.CharField(max_length=20)
    subject_id = models.CharField(max_length=36)
    label = models.CharField(max_length=50, db_index=True)
    labelled_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["subject", "label", "subject_id"])]

    def __str__(self) -> str:
        return self.id

    @staticmethod
    def key(subject: str, subject_id: str, label: str) -> str:
        return f"{subject}:{subject_id}:{label}"


class AttributeValue(models.Model):
    """The value of one custom attribute of one conversation or customer (projected)."""

    id = models.CharField(max_length=140, primary_key=True)  # "<subject>:<id>:<key>"
    subject = models.CharField(max_length=20)
    subject_id = models.CharField(max_length=36, db_index=True)
    key = models.CharField(max_length=50)
    value = models.CharField(max_length=500)
    set_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["subject", "key", "value"])]

    def __str__(self) -> str:
        return f"{self.id} = {self.value}"
