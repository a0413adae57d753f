"""The labels and attribute values set now, projected inline (the inbox filters by them at
once after the agent sets one)."""

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.labels import events as ev
from contactcenter.labels.models import AttributeValue, Labelled, Subject


@register
class LabelProjector(Projector):
    name = "labels"
    models = [Labelled, AttributeValue]

    def _label(self, subject: str, subject_id: str, label: str, r: RecordedEvent, rows: Rows):
        key = Labelled.key(subject, subject_id, label)
        if rows.get(Labelled, key) is None:
            rows.add(
                Labelled(
                    id=key,
                    subject=subject,
                    subject_id=subject_id,
                    label=label,
                    labelled_at=r.occurred_at,
                )
            )

    def _unlabel(self, subject: str, subject_id: str, label: str, rows: Rows):
        row = rows.get(Labelled, Labelled.key(subject, subject_id, label))
        if row is not None:
            rows.delete(row)

    def _set(self, subject: str, subject_id: str, key: str, value: str, r, rows: Rows):
        pk = Labelled.key(subject, subject_id, key)
        row = rows.get(AttributeValue, pk)
        if not value:
            if row is not None:
                rows.delete(row)
            return
        if row is None:
            rows.add(
                AttributeValue(
                    id=pk,
                    subject=subject,
                    subject_id=subject_id,
                    key=key,
                    value=value,
                    set_at=r.occurred_at,
                )
            )
            return
        row.value, row.set_at = value, r.occurred_at
        rows.changed(row)

    def on_ConversationLabelled(self, e: ev.ConversationLabelled, r: RecordedEvent, rows: Rows):
        self._label(Subject.CONVERSATION, e.interaction_id, e.label, r, rows)

    def on_ConversationUnlabelled(self, e: ev.ConversationUnlabelled, r, rows: Rows):
        self._unlabel(Subject.CONVERSATION, e.interaction_id, e.label, rows)

    def on_ConversationAttributeSet(self, e: ev.ConversationAttributeSet, r, rows: Rows):
        self._set(Subject.CONVERSATION, e.interaction_id, e.key, e.value, r, rows)

    def on_CustomerLabelled(self, e: ev.CustomerLabelled, r: RecordedEvent, rows: Rows):
        self._label(Subject.CUSTOMER, e.customer_id, e.label, r, rows)

    def on_CustomerUnlabelled(self, e: ev.CustomerUnlabelled, r, rows: Rows):
        self._unlabel(Subject.CUSTOMER, e.customer_id, e.label, rows)

    def on_CustomerAttributeSet(self, e: ev.CustomerAttributeSet, r, rows: Rows):
        self._set(Subject.CUSTOMER, e.customer_id, e.key, e.value, r, rows)
