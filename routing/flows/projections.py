"""Inline projection of flow events into FlowSession (the agent's view of self-service)."""

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ie
from routing.flows import events as fe
from routing.flows.models import FlowSession


@register
class FlowSessionProjector(Projector):
    name = "flow_sessions"
    models = [FlowSession]

    def _session(self, interaction_id: str, rows: Rows) -> FlowSession | None:
        session = rows.get(FlowSession, interaction_id)
        if session is not None:
            rows.changed(session)
        return session

    def on_SelfServiceStarted(self, e: ie.SelfServiceStarted, r: RecordedEvent, rows: Rows):
        fresh = FlowSession(
            interaction_id=e.interaction_id, flow=e.flow, started_at=r.occurred_at, path=[]
        )
        existing = rows.get(FlowSession, e.interaction_id)
        if existing is None:
            rows.add(fresh)
            return
        # Reopened and started over: the latest run is what counts.
        for field in ("flow", "started_at", "current_step", "path", "attributes", "outcome"):
            setattr(existing, field, getattr(fresh, field))
        existing.finished_at = None
        rows.changed(existing)

    def on_FlowStepEntered(self, e: fe.FlowStepEntered, r: RecordedEvent, rows: Rows):
        if session := self._session(e.interaction_id, rows):
            session.current_step = e.step
            entry = {"step": e.step, "kind": e.kind} | ({"note": e.note} if e.note else {})
            session.path = [*session.path, entry]

    def on_FlowAnswerGiven(self, e: fe.FlowAnswerGiven, r: RecordedEvent, rows: Rows):
        if (session := self._session(e.interaction_id, rows)) and session.path:
            last = dict(session.path[-1])
            answers = [
                *last.get("answers", []),
                {"text": e.text, "value": e.value, "valid": e.valid},
            ]
            session.path = [*session.path[:-1], last | {"answers": answers}]

    def on_FlowAttributesSet(self, e: fe.FlowAttributesSet, r: RecordedEvent, rows: Rows):
        if session := self._session(e.interaction_id, rows):
            session.attributes = {**session.attributes, **e.attributes}

    def on_FlowCompleted(self, e: fe.FlowCompleted, r: RecordedEvent, rows: Rows):
        if session := self._session(e.interaction_id, rows):
            session.outcome = e.outcome
            session.finished_at = r.occurred_at

    def on_InteractionAbandoned(self, e: ie.InteractionAbandoned, r: RecordedEvent, rows: Rows):
        session = self._session(e.interaction_id, rows)
        if session is not None and not session.outcome:
            session.outcome = "abandoned"  # dropped out at current_step
            session.finished_at = r.occurred_at
