"""Inline projections of QA: evaluations, calibrations, sampling picks and coaching; the
pages read them as soon as they are written."""

from datetime import date

from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.quality import events as ev
from contactcenter.quality.models import (
    Calibration,
    CoachingSession,
    Evaluation,
    EvaluationItem,
    SampledInteraction,
)


@register
class EvaluationProjector(Projector):
    name = "evaluations"
    models = [Evaluation, EvaluationItem]

    def on_EvaluationSubmitted(self, e: ev.EvaluationSubmitted, r: RecordedEvent, rows: Rows):
        rows.add(
            Evaluation(
                id=e.evaluation_id,
                version=r.version,
                interaction_id=e.interaction_id,
                agent_id=e.agent_id,
                evaluator_id=e.evaluator_id,
                scorecard_id=e.scorecard_id,
                scorecard_name=e.scorecard_name,
                score=e.score,
                auto_failed=e.auto_failed,
                passed=e.passed,
                comment=e.comment,
                items=e.items,
                submitted_at=r.occurred_at,
                calibration_id=e.calibration_id,
            )
        )
        if e.calibration_id:
            return  # a calibration's score is not the agent's result: not in the reports
        for item in e.items:
            rows.add(
                EvaluationItem(
                    key=f"{e.evaluation_id}:{item['criterion_id']}",
                    evaluation_id=e.evaluation_id,
                    agent_id=e.agent_id,
                    submitted_at=r.occurred_at,
                    scorecard_name=e.scorecard_name,
                    criterion_id=item["criterion_id"],
                    section=item["section"],
                    criterion=item["criterion"],
                    max_points=item["max_points"],
                    points=item["points"],
                    auto_fail=item["auto_fail"],
                )
            )

    def on_EvaluationAcknowledged(self, e: ev.EvaluationAcknowledged, r: RecordedEvent, rows):
        evaluation = rows.get(Evaluation, e.evaluation_id)
        if evaluation is None:
            return
        evaluation.version = r.version
        evaluation.acknowledged_at = r.occurred_at
        evaluation.agent_comment = e.comment
        rows.changed(evaluation)


@register
class CalibrationProjector(Projector):
    name = "calibrations"
    models = [Calibration]

    def on_CalibrationOpened(self, e: ev.CalibrationOpened, r: RecordedEvent, rows: Rows):
        rows.add(
            Calibration(
                id=e.calibration_id,
                version=r.version,
                interaction_id=e.interaction_id,
                scorecard_id=e.scorecard_id,
                scorecard_name=e.scorecard_name,
                evaluator_ids=list(e.evaluator_ids),
                scored={},
                opened_by=e.opened_by,
                opened_at=r.occurred_at,
            )
        )

    def on_CalibrationScored(self, e: ev.CalibrationScored, r: RecordedEvent, rows: Rows):
        calibration = rows.get(Calibration, e.calibration_id)
        if calibration is None:
            return
        calibration.version = r.version
        calibration.scored = {**calibration.scored, str(e.evaluator_id): e.evaluation_id}
        calibration.complete = not calibration.waiting_for()
        rows.changed(calibration)


@register
class SampleProjector(Projector):
    name = "qa_samples"
    models = [SampledInteraction]

    def on_InteractionsSampled(self, e: ev.InteractionsSampled, r: RecordedEvent, rows: Rows):
        for pick in e.picks:
            rows.add(
                SampledInteraction(
                    key=f"{e.rule_id}:{pick['interaction_id']}",
                    rule_id=e.rule_id,
                    rule_name=e.rule_name,
                    scorecard_id=e.scorecard_id,
                    interaction_id=pick["interaction_id"],
                    agent_id=pick["agent_id"],
                    reason=pick["reason"],
                    picked_at=r.occurred_at,
                )
            )


@register
class CoachingProjector(Projector):
    name = "coaching"
    models = [CoachingSession]

    def on_CoachingPlanned(self, e: ev.CoachingPlanned, r: RecordedEvent, rows: Rows):
        rows.add(
            CoachingSession(
                id=e.coaching_id,
                version=r.version,
                agent_id=e.agent_id,
                coach_id=e.coach_id,
                evaluation_ids=list(e.evaluation_ids),
                focus=list(e.focus),
                goals=list(e.goals),
                due_on=date.fromisoformat(e.due_on),
                note=e.note,
                planned_at=r.occurred_at,
            )
        )

    def _session(self, coaching_id: str, r: RecordedEvent, rows: Rows) -> CoachingSession | None:
        session = rows.get(CoachingSession, coaching_id)
        if session is not None:
            session.version = r.version
            rows.changed(session)
        return session

    def on_CoachingHeld(self, e: ev.CoachingHeld, r: RecordedEvent, rows: Rows):
        if session := self._session(e.coaching_id, r, rows):
            session.held_at, session.held_note = r.occurred_at, e.note

    def on_CoachingAcknowledged(self, e: ev.CoachingAcknowledged, r: RecordedEvent, rows: Rows):
        if session := self._session(e.coaching_id, r, rows):
            session.acknowledged_at, session.agent_comment = r.occurred_at, e.comment
