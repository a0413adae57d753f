"""What is set now on a conversation or a customer, read from the projection. A customer's
include those of the customers merged into it (read together, like its timeline). The
console reads both of a conversation and of its customer at every offer: in SQL made once."""

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
    parts, params = [], []
    for table, value in ((Labelled, "NULL"), (AttributeValue, _column(AttributeValue, "value"))):
        name = _column(table, "label" if table is Labelled else "key")
        for subject, ids, _ in wanted:
            parts.append(
                f"SELECT {len(parts)}, {_column(table, 'subject_id')}, {name}, {value}, "
                f"{_column(table, 'id')} FROM {connection.ops.quote_name(table._meta.db_table)} "
                f"WHERE {_column(table, 'subject')} = %s "
                f"AND {_column(table, 'subject_id')} IN ({', '.join(['%s'] * len(ids))})"
            )
            params += [subject, *ids]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    for part, (subject, ids, subject_id) in enumerate(wanted):
        rows = sorted((row for row in found if row[0] == part), key=lambda row: row[4])
        request_memo.keep("labels", (subject, subject_id), _labels(row[2] for row in rows))
        rows = sorted(
            (row for row in found if row[0] == part + len(wanted)), key=lambda row: row[4]
        )
        attrs = _attributes(ids, [(row[1], row[2], row[3]) for row in rows])
        request_memo.keep("attributes", (subject, subject_id), attrs)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _labels(found) -> list[str]:
    return sorted(set(found))


def _attributes(ids: list[str], rows) -> dict[str, str]:
    found: dict[str, str] = {}
    for _, key, value in sorted(rows, key=lambda r: ids.index(r[0]), reverse=True):
        found[key] = value
    return found
