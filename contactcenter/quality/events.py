"""Events of quality assurance, on the evaluation stream (`evaluation-<id>`). docs/events.md."""

from dataclasses import dataclass, field
from typing import Any, ClassVar

from contactcenter.events.types import DomainEvent, added_fields


@dataclass(frozen=True, kw_only=True)
class EvaluationSubmitted(DomainEvent):
    """A supervisor scored a closed interaction against a scorecard. The scorecard's
    criteria and weights as they were are part of the event, so later edits of the
    scorecard change no past score."""

    schema_version: ClassVar[int] = 2  # v1 had no calibration_id

    evaluation_id: str
    interaction_id: str
    agent_id: int  # the agent evaluated
    evaluator_id: int
    scorecard_id: int
    scorecard_name: str
    items: list[dict[str, Any]] = field(default_factory=list)
    comment: str = ""
    score: float  # 0..100, 0 when an auto-fail criterion was missed
    auto_failed: bool = False
    passed: bool = False
    # Scored blind in a calibration (docs/quality.md): not the agent's result, so it is
    # left out of their evaluations and the QA reports.
    calibration_id: str = ""


@dataclass(frozen=True, kw_only=True)
class EvaluationAcknowledged(DomainEvent):
    """The evaluated agent read the evaluation, and may have answered it."""

    evaluation_id: str
    agent_id: int
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class CalibrationOpened(DomainEvent):
    """Evaluators are asked to score one interaction on one scorecard, blind (on the
    calibration's stream, `calibration-<id>`)."""

    calibration_id: str
    interaction_id: str
    scorecard_id: int
    scorecard_name: str
    evaluator_ids: list[int] = field(default_factory=list)
    opened_by: int


@dataclass(frozen=True, kw_only=True)
class CalibrationScored(DomainEvent):
    """One of the evaluators scored it (their EvaluationSubmitted has the calibration's id);
    when all have, the report is open to them."""

    calibration_id: str
    evaluator_id: int
    evaluation_id: str


@dataclass(frozen=True, kw_only=True)
class InteractionsSampled(DomainEvent):
    """A sampling rule picked interactions for QA to score (on `sampling-<rule id>`)."""

    rule_id: int
    rule_name: str
    scorecard_id: int | None = None
    period_days: int
    picks: list[dict[str, Any]] = field(default_factory=list)  # interaction_id, agent_id, reason


@dataclass(frozen=True, kw_only=True)
class CoachingPlanned(DomainEvent):
    """A coach planned a coaching session with an agent after evaluations (on
    `coaching-<id>`): what to work on and by when."""

    coaching_id: str
    agent_id: int
    coach_id: int
    evaluation_ids: list[str] = field(default_factory=list)
    focus: list[dict[str, Any]] = field(default_factory=list)  # criterion_id, criterion
    goals: list[str] = field(default_factory=list)
    due_on: str  # ISO date
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CoachingHeld(DomainEvent):
    """The session took place."""

    coaching_id: str
    coach_id: int
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CoachingAcknowledged(DomainEvent):
    """The agent confirmed the session and its goals, and may have answered."""

    coaching_id: str
    agent_id: int
    comment: str = ""


# Upcasters: fields added since events were first stored (docs/events.md, schema versions).
added_fields("EvaluationSubmitted", from_version=1, calibration_id="")
