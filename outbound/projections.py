"""The dialler's inline read models: each attempt, and where each contact stands."""

from datetime import datetime

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from outbound import events as ev
from outbound.models import ContactProgress, DialAttempt


@register
class DialAttemptProjector(Projector):
    name = "dial_attempts"
    models = [DialAttempt, ContactProgress]

    def _progress(self, contact_id: int, campaign_id: int, rows: Rows) -> ContactProgress:
        row = rows.get(ContactProgress, contact_id)
        if row is None:
            row = rows.add(ContactProgress(contact_id=contact_id, campaign_id=campaign_id))
        rows.changed(row)
        return row

    def on_DialAttemptPlaced(self, e: ev.DialAttemptPlaced, r: RecordedEvent, rows: Rows):
        rows.add(
            DialAttempt(
                id=e.attempt_id,
                campaign_id=e.campaign_id,
                contact_id=e.contact_id,
                customer_id=e.customer_id,
                agent=e.agent,
                phone=e.phone,
                mode=e.mode,
                call_sid=e.call_sid,
                placed_at=r.occurred_at,
            )
        )
        self._progress(e.contact_id, e.campaign_id, rows).live_attempt_id = e.attempt_id

    def on_DialAttemptAnswered(self, e: ev.DialAttemptAnswered, r: RecordedEvent, rows: Rows):
        attempt = rows.get(DialAttempt, e.attempt_id)
        attempt.status, attempt.answered_by, attempt.answered_at = (
            "answered",
            e.answered_by,
            r.occurred_at,
        )
        attempt.agent = e.agent or attempt.agent
        rows.changed(attempt)

    def on_DialAttemptClassified(self, e: ev.DialAttemptClassified, r: RecordedEvent, rows):
        attempt = rows.get(DialAttempt, e.attempt_id)
        attempt.answered_by = e.answered_by
        rows.changed(attempt)

    def on_DialAttemptEnded(self, e: ev.DialAttemptEnded, r: RecordedEvent, rows: Rows):
        attempt = rows.get(DialAttempt, e.attempt_id)
        attempt.status, attempt.outcome, attempt.ended_at = "ended", e.outcome, r.occurred_at
        attempt.connected = e.outcome == "connected"
        rows.changed(attempt)
        progress = self._progress(e.contact_id, attempt.campaign_id, rows)
        progress.attempts, progress.done, progress.last_outcome = e.attempts, e.done, e.outcome
        progress.next_attempt_at = (
            datetime.fromisoformat(e.next_attempt_at) if e.next_attempt_at else None
        )
        progress.live_attempt_id = ""

    def on_DialAttemptDispositioned(
        self, e: ev.DialAttemptDispositioned, r: RecordedEvent, rows: Rows
    ):
        attempt = rows.get(DialAttempt, e.attempt_id)
        attempt.right_party, attempt.converted = e.right_party, e.converted
        attempt.disposition = e.disposition
        attempt.agent = attempt.agent or e.agent
        rows.changed(attempt)
        progress = self._progress(e.contact_id, attempt.campaign_id, rows)
        progress.done = e.done
        progress.next_attempt_at = (
            datetime.fromisoformat(e.next_attempt_at) if e.next_attempt_at else None
        )
