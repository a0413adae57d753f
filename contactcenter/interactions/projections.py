"""Inline projection of interaction events into Interaction, TranscriptEntry and ThreadKey."""

from datetime import date

from contactcenter.events import instances
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.sealing import ERASED
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import activity
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import opening_key
from contactcenter.interactions.models import Interaction, ThreadKey, TranscriptEntry
from crm import events as crm_events

PREVIEW = 200


@register
class InteractionProjector(Projector):
    name = "interactions"
    models = [Interaction, TranscriptEntry, ThreadKey]
    write_once = [TranscriptEntry]
    streams = ("interaction-",)

    def apply(self, event: RecordedEvent, rows: Rows) -> None:
        super().apply(event, rows)
        take = activity.ACTIVITIES.get(event.type)
        if take is not None and event.stream_id.startswith("interaction-"):
            # An activity line (joined, transferred, …): ids only; words when read.
            rows.add(
                instances.new(
                    TranscriptEntry,
                    id=f"activity:{event.position}",
                    interaction_id=event.data["interaction_id"],
                    position=event.position,
                    occurred_at=event.occurred_at,
                    kind=TranscriptEntry.Kind.ACTIVITY,
                    author=event.actor,
                    channel_data=_activity(take(event.data), event),
                )
            )

    def on_any_event(self, event: RecordedEvent, rows: Rows) -> None:
        # Another app's event on the interaction's stream (a flow step, a call's progress):
        # nothing to show here, but the row's version must follow the stream, since commands
        # append from it (routing.router) and clients resync by it.
        interaction_id = event.data.get("interaction_id")
        if interaction_id:
            self._row(interaction_id, event, rows)

    def _row(self, interaction_id: str, recorded: RecordedEvent, rows: Rows) -> Interaction:
        row = rows.get(Interaction, interaction_id)
        if row is None:
            raise LookupError(f"event #{recorded.position} names unknown {interaction_id}")
        row.version = recorded.version
        rows.changed(row)
        return row

    def on_InteractionCreated(self, e: ev.InteractionCreated, r: RecordedEvent, rows: Rows):
        rows.add(
            instances.new(
                Interaction,
                id=e.interaction_id,
                version=r.version,
                channel=e.channel,
                channel_key=e.channel_key,
                direction=e.direction,
                customer_id=e.customer_id,
                state="new",
                subject=e.subject[:500],
                threading_key=e.threading_key,
                previous_interaction_id=e.previous_interaction_id,
                opening_key=opening_key(r.idempotency_key),
                created_at=r.occurred_at,
            )
        )
        if e.threading_key and e.threading_key != ERASED:  # erased: no thread to find
            key = ThreadKey.make(e.channel, e.channel_key, e.threading_key)
            thread = rows.get(ThreadKey, key)
            if thread is None:
                rows.add(ThreadKey(key=key, interaction_id=e.interaction_id))
            else:
                thread.interaction_id = e.interaction_id
                rows.changed(thread)

    def on_MessageReceived(self, e: ev.MessageReceived, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        self._count_message(row, e.text or e.subject, r)
        if e.subject and not row.subject:
            row.subject = e.subject[:500]
        rows.add(
            instances.new(
                TranscriptEntry,
                id=e.message_id,
                interaction_id=e.interaction_id,
                position=r.position,
                occurred_at=r.occurred_at,
                kind=TranscriptEntry.Kind.INBOUND,
                author="customer",
                author_name=e.sender_name or e.sender,
                text=e.text,
                html=e.html,
                subject=e.subject[:500],
                attachments=e.attachments,
                external_id=e.external_id,
                channel_data=e.channel_data,
            )
        )

    def on_MessageSent(self, e: ev.MessageSent, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        self._count_message(row, e.text or e.subject, r)
        rows.add(
            instances.new(
                TranscriptEntry,
                id=e.message_id,
                interaction_id=e.interaction_id,
                position=r.position,
                occurred_at=r.occurred_at,
                kind=TranscriptEntry.Kind.OUTBOUND,
                author=e.author,
                author_name=e.author_name,
                text=e.text,
                html=e.html,
                subject=e.subject[:500],
                attachments=e.attachments,
                delivery_status="pending",
                channel_data=e.channel_data,
            )
        )

    def _count_message(self, row: Interaction, text: str, r: RecordedEvent) -> None:
        row.message_count += 1
        row.last_message_at = r.occurred_at
        row.last_message_preview = " ".join(text.split())[:PREVIEW]

    def _entry(self, message_id: str, rows: Rows) -> TranscriptEntry | None:
        entry = rows.get(TranscriptEntry, message_id)
        if entry is not None:
            rows.changed(entry)
        return entry

    def on_MessageDelivered(self, e: ev.MessageDelivered, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)
        entry = self._entry(e.message_id, rows)
        if entry is not None:
            entry.delivery_status = e.status
            entry.external_id = e.external_id or entry.external_id

    def on_MessageDeliveryFailed(self, e: ev.MessageDeliveryFailed, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)
        entry = self._entry(e.message_id, rows)
        if entry is not None:
            entry.delivery_status = "failed"
            entry.delivery_detail = e.reason[:500]
            entry.external_id = e.external_id or entry.external_id

    # A customer changed or deleted a message on a channel that allows it (Slack). Every event
    # of the stream must pass through here: the row's version is what commands append after.
    def on_CustomerMessageEdited(self, e, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)
        entry = self._entry(e.message_id, rows)
        if entry is not None:
            entry.text = e.text
            entry.channel_data = {
                **entry.channel_data,
                "edited_at": e.edited_at or r.occurred_at.isoformat(),
            }

    def on_CustomerMessageDeleted(self, e, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)
        entry = self._entry(e.message_id, rows)
        if entry is not None:
            entry.channel_data = {
                **entry.channel_data,
                "deleted_at": e.deleted_at or r.occurred_at.isoformat(),
            }

    def on_InternalNoteAdded(self, e: ev.InternalNoteAdded, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)
        rows.add(
            instances.new(
                TranscriptEntry,
                id=e.note_id,
                interaction_id=e.interaction_id,
                position=r.position,
                occurred_at=r.occurred_at,
                kind=TranscriptEntry.Kind.NOTE,
                author=e.author,
                author_name=e.author_name,
                text=e.text,
                audience=e.audience,
            )
        )

    def on_SelfServiceStarted(self, e: ev.SelfServiceStarted, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows).state = "self_service"

    def on_InteractionQueued(self, e: ev.InteractionQueued, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "queued"
        row.queue_id = e.queue_id
        row.priority = e.priority
        row.required_skills = e.required_skills
        row.preferred_agent_id = e.preferred_agent_id
        row.supervisors_only = e.supervisors_only
        row.agent_id = None
        row.queued_at = r.occurred_at
        row.first_queued_at = row.first_queued_at or r.occurred_at

    def on_OfferCreated(self, e: ev.OfferCreated, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "offered"
        row.offer_id = e.offer_id
        row.offer_agent_id = e.agent_id

    def _answered(self, row: Interaction, agent_id: int, r: RecordedEvent) -> None:
        row.state = "active"
        row.offer_id = ""
        row.offer_agent_id = None
        row.agent_id = row.last_agent_id = agent_id
        row.answered_at = row.answered_at or r.occurred_at

    def on_OfferAccepted(self, e: ev.OfferAccepted, r: RecordedEvent, rows: Rows):
        self._answered(self._row(e.interaction_id, r, rows), e.agent_id, r)

    def on_InteractionAssigned(self, e: ev.InteractionAssigned, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        self._answered(row, e.agent_id, r)
        if e.queue_id is not None:
            row.queue_id = e.queue_id

    def _back_to_queue(self, e, r: RecordedEvent, rows: Rows) -> Interaction:
        row = self._row(e.interaction_id, r, rows)
        row.state = "queued"
        row.offer_id = ""
        row.offer_agent_id = None
        return row

    def _declined(self, e, r: RecordedEvent, rows: Rows) -> None:
        row = self._back_to_queue(e, r, rows)
        if e.agent_id not in row.declined_by:
            row.declined_by = [*row.declined_by, e.agent_id]

    on_OfferRejected = _declined
    on_OfferTimedOut = _declined
    on_OfferRescinded = _back_to_queue

    def on_OverflowStepReached(self, e: ev.OverflowStepReached, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)

    def on_InteractionTransferred(self, e: ev.InteractionTransferred, r: RecordedEvent, rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "queued"
        row.agent_id = None
        row.transfers += 1
        row.declined_by = []
        row.queued_at = r.occurred_at
        if e.to_queue_id is not None:
            row.queue_id = e.to_queue_id
        row.preferred_agent_id = e.to_agent_id

    def on_WrapUpStarted(self, e: ev.WrapUpStarted, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "wrap_up"
        row.wrap_up_started_at = r.occurred_at

    def on_WrapUpCompleted(self, e: ev.WrapUpCompleted, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.disposition = e.disposition
        row.wrap_up_notes = e.notes
        row.follow_up_on = date.fromisoformat(e.follow_up_on) if e.follow_up_on else None
        row.agent_id = None

    def on_InteractionClosed(self, e: ev.InteractionClosed, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "closed"
        row.agent_id = None
        row.offer_id = ""
        row.offer_agent_id = None
        row.ended_at = r.occurred_at
        row.close_reason = e.reason

    def on_InteractionAbandoned(self, e: ev.InteractionAbandoned, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "abandoned"
        row.offer_id = ""
        row.offer_agent_id = None
        row.ended_at = r.occurred_at
        row.close_reason = e.reason

    def on_InteractionReopened(self, e: ev.InteractionReopened, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.state = "new"
        row.ended_at = None
        row.close_reason = ""
        row.first_queued_at = None
        row.disposition = ""
        row.declined_by = []

    def on_CsatRated(self, e: ev.CsatRated, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        row.csat_rating, row.csat_comment = e.rating, e.comment

    def on_CustomerLeft(self, e: ev.CustomerLeft, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows).customer_away = True

    def on_CustomerReturned(self, e: ev.CustomerReturned, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows).customer_away = False

    def on_MessagesRead(self, e: ev.MessagesRead, r: RecordedEvent, rows: Rows):
        row = self._row(e.interaction_id, r, rows)
        if e.message_position > row.read_position:
            row.read_message_id, row.read_position = e.message_id, e.message_position

    def on_TranscriptEmailed(self, e: ev.TranscriptEmailed, r: RecordedEvent, rows: Rows):
        self._row(e.interaction_id, r, rows)

    on_TranscriptLinkEmailed = on_TranscriptEmailed

    def on_CustomerMerged(self, e: crm_events.CustomerMerged, r: RecordedEvent, rows: Rows):
        rows.update_where(Interaction, "customer_id", e.customer_id, e.into_customer_id)


def _activity(line: dict, event: RecordedEvent) -> dict:
    if line.get("activity") in activity.BY_ACTOR:
        return {**line, "by": event.actor}
    return line
