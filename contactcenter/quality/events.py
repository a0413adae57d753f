"""Events of quality assurance, on the evaluation stream (`evaluation-<id>`). docs/events.md."""

from dataclasses import dataclass, field
from typing import Any

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class EvaluationSubmitted(DomainEvent):
    """A supervisor scored a closed interaction against a scorecard. The scorecard's
    criteria and weights as they were are part of the event, so later edits of the
    scorecard change no past score."""

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


@dataclass(frozen=True, kw_only=True)
class EvaluationAcknowledged(DomainEvent):
    """The evaluated agent read the evaluation, and may have answered it."""

    evaluation_id: str
    agent_id: int
    comment: str = ""
