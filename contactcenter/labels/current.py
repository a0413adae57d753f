"""What is set now on a conversation or a customer, read from the projection. A customer's
include those of the customers merged into it (read together, like its timeline). The
console reads both of a conversation and of its customer at every offer: in SQL made once."""

from functools import cache

from django.db import connection

from contactcenter import request_memo
from contactcenter.events import row_statements
from contactcenter.labels.models import AttributeValue, Labelled, Subject


def _ids(subject: str, subject_id: str) -> list[str]:
    if subject == Subject.CUSTOMER:
        from crm.timeline import customer_ids

        return customer_ids(subject_id)
    return [subject_id]


def labels(subject: str, subject_id: str) -> list[str]:
    read, found = request_memo.take("labels", (subject, subject_id))
    if read:
        return found
    rows = row_statements.where(
        Labelled, names=("label",), subject=subject, subject_id__in=_ids(subject, subject_id)
    )
    return _labels(label for (label,) in rows)


def attributes(subject: str, subject_id: str) -> dict[str, str]:
    """Key -> value; the surviving customer's own value wins over a merged one's."""
    read, found = request_memo.take("attributes", (subject, subject_id))
    if read:
        return found
    ids = _ids(subject, subject_id)
    rows = row_statements.where(
        AttributeValue,
        names=("subject_id", "key", "value"),
        subject=subject,
        subject_id__in=ids,
        order_by=("pk",),
    )
    return _attributes(ids, rows)


def read_ahead(*subjects: tuple[str, str]) -> None:
    """The labels and attributes of each (subject, id) in one statement, kept in the request
    for the next `labels` and `attributes` of each: the console's view of an offer asks for
    its conversation's and its customer's, four reads where this is one (issue 18). Outside
    a request, nothing."""
    if not request_memo.active():
        return
    wanted = [(subject, _ids(subject, subject_id), subject_id) for subject, subject_id in subjects]
    each = [value for subject, ids, _ in wanted for value in (subject, *ids)]
    params = each + each  # the labels' parts, then the attributes'
    with connection.cursor() as cursor:
        cursor.execute(_read_ahead_sql(tuple(len(ids) for _, ids, _ in wanted)), params)
        by_part: dict[int, list[tuple]] = {part: [] for part in range(2 * len(wanted))}
        for part, owner, name, value, _key in sorted(cursor.fetchall(), key=lambda r: r[4]):
            by_part[part].append((owner, name, value))
    for part, (subject, ids, subject_id) in enumerate(wanted):
        found = by_part[part]
        request_memo.keep("labels", (subject, subject_id), _labels(name for _, name, _ in found))
        found = by_part[part + len(wanted)]  # in key order, as `attributes` reads them
        request_memo.keep("attributes", (subject, subject_id), _attributes(ids, found))


@cache
def _read_ahead_sql(shape: tuple[int, ...]) -> str:
    """For subjects of `shape` (how many ids each): each one's labels, then each one's
    attributes, a part number first. Made once per shape."""
    parts = []
    for model, value in ((Labelled, "NULL"), (AttributeValue, _column(AttributeValue, "value"))):
        name = _column(model, "label" if model is Labelled else "key")
        for count in shape:
            parts.append(
                f"SELECT {len(parts)}, {_column(model, 'subject_id')}, {name}, {value}, "
                f"{_column(model, 'id')} FROM {connection.ops.quote_name(model._meta.db_table)} "
                f"WHERE {_column(model, 'subject')} = %s "
                f"AND {_column(model, 'subject_id')} IN ({', '.join(['%s'] * count)})"
            )
    return " UNION ALL ".join(parts)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _labels(found) -> list[str]:
    return sorted(set(found))


def _attributes(ids: list[str], rows) -> dict[str, str]:
    found: dict[str, str] = {}
    for _, key, value in sorted(rows, key=lambda r: ids.index(r[0]), reverse=True):
        found[key] = value
    return found
