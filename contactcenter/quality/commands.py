"""Scoring closed interactions and acknowledging the result: each one event."""

import uuid

from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.quality import scoring
from contactcenter.quality.events import (
    CalibrationOpened,
    CalibrationScored,
    EvaluationAcknowledged,
    EvaluationSubmitted,
)
from contactcenter.quality.models import Scorecard


def stream_id(evaluation_id: str) -> str:
    return f"evaluation-{evaluation_id}"


class EvaluationStream(Aggregate):
    """An evaluation's stream: submitted once, then acknowledged once by its agent."""

    stream_prefix = "evaluation"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.agent_id: int | None = None
        self.acknowledged = False

    def when(self, event: RecordedEvent) -> None:
        if event.type == "EvaluationSubmitted":
            self.agent_id = event.data["agent_id"]
        elif event.type == "EvaluationAcknowledged":
            self.acknowledged = True

    def submit(self, event: EvaluationSubmitted) -> list[DomainEvent]:
        if not self.is_new:
            raise DomainError(f"evaluation {self.key} was submitted already")
        return [event]

    def acknowledge(self, agent_id: int, comment: str) -> list[DomainEvent]:
        if self.is_new or self.agent_id != agent_id:
            raise DomainError("no such evaluation of yours")
        if self.acknowledged:
            raise DomainError("already acknowledged")
        return [EvaluationAcknowledged(evaluation_id=self.key, agent_id=agent_id, comment=comment)]


class CalibrationStream(Aggregate):
    """A calibration's stream: opened once for its evaluators, then scored once by each."""

    stream_prefix = "calibration"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.interaction_id = ""
        self.scorecard_id: int | None = None
        self.evaluators: list[int] = []
        self.scored: set[int] = set()

    def when(self, event: RecordedEvent) -> None:
        if event.type == "CalibrationOpened":
            self.interaction_id = event.data["interaction_id"]
            self.scorecard_id = event.data["scorecard_id"]
            self.evaluators = list(event.data["evaluator_ids"])
        elif event.type == "CalibrationScored":
            self.scored.add(event.data["evaluator_id"])

    def open(self, event: CalibrationOpened) -> list[DomainEvent]:
        if not self.is_new:
            raise DomainError(f"calibration {self.key} is open already")
        if len(set(event.evaluator_ids)) < 2:
            raise DomainError("a calibration needs at least two evaluators")
        return [event]

    def score(self, event: EvaluationSubmitted) -> list[DomainEvent]:
        if self.is_new:
            raise DomainError("no such calibration")
        if event.evaluator_id not in self.evaluators:
            raise DomainError("you are not one of this calibration's evaluators")
        if event.evaluator_id in self.scored:
            raise DomainError("you have scored this calibration already")
        if (event.interaction_id, event.scorecard_id) != (self.interaction_id, self.scorecard_id):
            raise DomainError("a calibration is scored on its own interaction and scorecard")
        return [
            CalibrationScored(
                calibration_id=self.key,
                evaluator_id=event.evaluator_id,
                evaluation_id=event.evaluation_id,
            )
        ]


def scoreable(interaction: Interaction | None) -> str:
    """Why an interaction cannot be scored ("" when it can)."""
    if interaction is None:
        return "no such interaction"
    if interaction.state != "closed":
        return f"only closed interactions are scored; this one is {interaction.state}"
    if interaction.last_agent_id is None:
        return "no agent handled this interaction"
    return ""


@command
def submit_evaluation(
    interaction_id: str,
    scorecard_id: int,
    *,
    evaluator_id: int,
    points: dict[int, int | None],
    comments: dict[int, str] | None = None,
    comment: str = "",
    calibration_id: str = "",
) -> str:
    """Score a closed interaction's agent on a scorecard; returns the evaluation's id. In a
    calibration, the calibration records that this evaluator has scored."""
    interaction = Interaction.objects.filter(pk=interaction_id).first()
    if reason := scoreable(interaction):
        raise DomainError(reason)
    scorecard = Scorecard.objects.filter(pk=scorecard_id, active=True).first()
    if scorecard is None:
        raise DomainError("no such active scorecard")
    if problems := scorecard.problems():
        raise DomainError(f"scorecard {scorecard.name!r} is incomplete: {'; '.join(problems)}")
    items = scoring.answer(scoring.snapshot(scorecard), points, comments or {})
    score, auto_failed = scoring.score(items)
    evaluation_id = str(uuid.uuid4())
    event = EvaluationSubmitted(
        evaluation_id=evaluation_id,
        interaction_id=interaction_id,
        agent_id=interaction.last_agent_id,
        evaluator_id=evaluator_id,
        scorecard_id=scorecard.pk,
        scorecard_name=scorecard.name,
        items=items,
        comment=comment,
        score=score,
        auto_failed=auto_failed,
        passed=not auto_failed and score >= scorecard.pass_mark,
        calibration_id=calibration_id,
    )
    if calibration_id:
        aggregates.decide_and_append(CalibrationStream, calibration_id, lambda c: c.score(event))
    aggregates.decide_and_append(EvaluationStream, evaluation_id, lambda e: e.submit(event))
    return evaluation_id


@command
def open_calibration(
    interaction_id: str, scorecard_id: int, *, evaluator_ids: list[int], opened_by: int
) -> str:
    """Ask `evaluator_ids` to score a closed interaction on a scorecard, blind; returns the
    calibration's id."""
    interaction = Interaction.objects.filter(pk=interaction_id).first()
    if reason := scoreable(interaction):
        raise DomainError(reason)
    scorecard = Scorecard.objects.filter(pk=scorecard_id, active=True).first()
    if scorecard is None or scorecard.problems():
        raise DomainError("choose an active, complete scorecard")
    calibration_id = str(uuid.uuid4())
    event = CalibrationOpened(
        calibration_id=calibration_id,
        interaction_id=interaction_id,
        scorecard_id=scorecard.pk,
        scorecard_name=scorecard.name,
        evaluator_ids=sorted(set(evaluator_ids)),
        opened_by=opened_by,
    )
    aggregates.decide_and_append(CalibrationStream, calibration_id, lambda c: c.open(event))
    return calibration_id


@command
def acknowledge(evaluation_id: str, agent_id: int, comment: str = "") -> None:
    aggregates.decide_and_append(
        EvaluationStream, evaluation_id, lambda e: e.acknowledge(agent_id, comment)
    )
