"""What is set now on a conversation or a customer, read from the projection. A customer's
include those of the customers merged into it (read together, like its timeline). The
console reads both of a conversation and of its customer at every offer: in SQL made once."""

from contactcenter.events import row_statements
from contactcenter.labels.models import AttributeValue, Labelled, Subject


def _ids(subject: str, subject_id: str) -> list[str]:
    if subject == Subject.CUSTOMER:
        from crm.timeline import customer_ids

        return customer_ids(subject_id)
    return [subject_id]


def labels(subject: str, subject_id: str) -> list[str]:
    found = row_statements.where(
        Labelled, names=("label",), subject=subject, subject_id__in=_ids(subject, subject_id)
    )
    return sorted({label for (label,) in found})


def attributes(subject: str, subject_id: str) -> dict[str, str]:
    """Key -> value; the surviving customer's own value wins over a merged one's."""
    ids = _ids(subject, subject_id)
    found: dict[str, str] = {}
    rows = row_statements.where(
        AttributeValue,
        names=("subject_id", "key", "value"),
        subject=subject,
        subject_id__in=ids,
        order_by=("pk",),
    )
    for _, key, value in sorted(rows, key=lambda r: ids.index(r[0]), reverse=True):
        found[key] = value
    return found
