"""Follow-ups, projected inline: the loop and *My follow-ups* read them."""

from datetime import date, datetime, time

from django.utils import timezone

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.followups import events as ev
from contactcenter.followups.models import FollowUp
from contactcenter.interactions import events as interaction_events


def due_at(follow_up_on: str, call_back_at: str) -> datetime | None:
    """When a wrap-up's follow-up is due: the call-back time, else the start of the day (in
    the platform's time zone; a queue closed then offers it when it opens)."""
    if call_back_at:
        return datetime.fromisoformat(call_back_at)
    if follow_up_on:
        return timezone.make_aware(datetime.combine(date.fromisoformat(follow_up_on), time.min))
    return None


@register
class FollowUpProjector(Projector):
    name = "followups"
    models = [FollowUp]

    def on_WrapUpCompleted(
        self, e: interaction_events.WrapUpCompleted, r: RecordedEvent, rows: Rows
    ):
        row = rows.get(FollowUp, e.interaction_id)
        due = due_at(e.follow_up_on, e.call_back_at)
        if due is None:
            if row is not None and row.state == FollowUp.State.SCHEDULED:
                row.state = FollowUp.State.CANCELLED
                rows.changed(row)
            return
        if row is None:
            row = rows.add(
                FollowUp(
                    interaction_id=e.interaction_id,
                    agent_id=e.agent_id,
                    due_at=due,
                    wrap_up_position=r.position,
                    created_at=r.occurred_at,
                )
            )
        row.agent_id, row.note, row.due_at = e.agent_id, e.notes, due
        row.state, row.wrap_up_position, row.created_at = (
            FollowUp.State.SCHEDULED,
            r.position,
            r.occurred_at,
        )
        row.came_due_at, row.requeued = None, False
        rows.changed(row)

    def on_FollowUpDue(self, e: ev.FollowUpDue, r: RecordedEvent, rows: Rows):
        row = rows.get(FollowUp, e.interaction_id)
        if row is not None:
            row.state, row.came_due_at, row.requeued = FollowUp.State.DUE, r.occurred_at, e.requeued
            rows.changed(row)
