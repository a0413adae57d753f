"""What administrators defined, checked: which labels and attributes a subject may have, and
what a value of each kind of attribute looks like. Pure but for reading the definitions."""

from datetime import date

from contactcenter.interactions.domain import DomainError
from contactcenter.labels.models import AttributeDefinition, LabelDefinition

VALUE_MAX_CHARS = 500


def labels_for(subject: str) -> dict[str, LabelDefinition]:
    """The active labels one may put on `subject` ("conversation" or "customer")."""
    return {d.name: d for d in LabelDefinition.objects.filter(active=True) if d.applies_to(subject)}


def attributes_for(subject: str) -> dict[str, AttributeDefinition]:
    return {d.key: d for d in AttributeDefinition.objects.filter(subject=subject, active=True)}


def require_label(subject: str, label: str) -> None:
    if label not in labels_for(subject):
        raise DomainError(f"no label {label!r} for a {subject}")


def clean_value(definition: AttributeDefinition, value: str) -> str:
    """The value as stored (empty clears it), or DomainError saying what was expected."""
    value = value.strip()
    if not value:
        return ""
    if len(value) > VALUE_MAX_CHARS:
        raise DomainError(f"{definition.title}: at most {VALUE_MAX_CHARS} characters")
    kind = definition.kind
    if kind == AttributeDefinition.Kind.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise DomainError(f"{definition.title} is a number") from None
        return str(int(number)) if number.is_integer() else str(number)
    if kind == AttributeDefinition.Kind.DATE:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise DomainError(f"{definition.title} is a date (YYYY-MM-DD)") from None
    if kind == AttributeDefinition.Kind.YES_NO:
        if value.lower() not in ("yes", "no"):
            raise DomainError(f"{definition.title} is yes or no")
        return value.lower()
    if kind == AttributeDefinition.Kind.CHOICE and value not in definition.choice_list():
        raise DomainError(f"{definition.title} is one of {', '.join(definition.choice_list())}")
    return value


def as_json() -> dict:
    """The definitions, for the console."""
    return {
        "labels": [
            {
                "name": d.name,
                "title": d.title,
                "color": d.color,
                "conversation": d.on_conversations,
                "customer": d.on_customers,
            }
            for d in LabelDefinition.objects.filter(active=True)
        ],
        "attributes": [
            {
                "key": d.key,
                "title": d.title,
                "subject": d.subject,
                "kind": d.kind,
                "choices": d.choice_list(),
            }
            for d in AttributeDefinition.objects.filter(active=True)
        ],
    }
