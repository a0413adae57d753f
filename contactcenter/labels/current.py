"""What is set now on a conversation or a customer, read from the projection. A customer's
include those of the customers merged into it (read together, like its timeline)."""

from contactcenter.labels.models import AttributeValue, Labelled, Subject


def _ids(subject: str, subject_id: str) -> list[str]:
    if subject == Subject.CUSTOMER:
        from crm.timeline import customer_ids

        return customer_ids(subject_id)
    return [subject_id]


def labels(subject: str, subject_id: str) -> list[str]:
    found = Labelled.objects.filter(subject=subject, subject_id__in=_ids(subject, subject_id))
    return sorted(set(found.values_list("label", flat=True)))


def attributes(subject: str, subject_id: str) -> dict[str, str]:
    """Key -> value; the surviving customer's own value wins over a merged one's."""
    ids = _ids(subject, subject_id)
    found: dict[str, str] = {}
    rows = AttributeValue.objects.filter(subject=subject, subject_id__in=ids)
    for row in sorted(rows, key=lambda r: ids.index(r.subject_id), reverse=True):
        found[row.key] = row.value
    return found
