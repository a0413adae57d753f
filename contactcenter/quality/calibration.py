"""Calibration: several evaluators score the same interaction on the same scorecard without
seeing each other's scores; then each one's distance from the group shows who reads the
scorecard differently, criterion by criterion. Pure: evaluations in, the report out.

Per criterion the *consensus* is the mean achievement (points ÷ maximum, as a percentage) of
the evaluators who scored it (N/A is not a score); an evaluator's *deviation* is their
achievement minus the consensus, in percentage points. Per evaluator: the mean absolute
deviation over the criteria they scored, and their total score's distance from the mean
total. A deviation of `WIDE` points or more is flagged: the scorecard's guidance, or the
evaluator's reading of it, needs a word.
"""

from dataclasses import dataclass, field
from statistics import mean

WIDE = 25.0


@dataclass(frozen=True)
class Scored:
    """One evaluator's evaluation: their name, total score and items as the event has them."""

    evaluator: str
    score: float
    items: list[dict]


@dataclass(frozen=True)
class Cell:
    evaluator: str
    achievement: float | None  # None: N/A, or not on their scorecard
    deviation: float | None

    @property
    def wide(self) -> bool:
        return self.deviation is not None and abs(self.deviation) >= WIDE


@dataclass(frozen=True)
class CriterionRow:
    criterion_id: int
    section: str
    criterion: str
    consensus: float | None  # None: every evaluator said N/A
    achievement: dict[str, float | None]  # evaluator -> %, None: N/A
    deviation: dict[str, float | None]  # evaluator -> points from the consensus
    cells: list[Cell] = field(default_factory=list)  # in the report's evaluator order

    @property
    def spread(self) -> float:
        scored = [a for a in self.achievement.values() if a is not None]
        return max(scored) - min(scored) if scored else 0.0


@dataclass(frozen=True)
class EvaluatorRow:
    evaluator: str
    score: float
    score_deviation: float
    mean_abs_deviation: float
    wide: int  # criteria where they were WIDE or more from the consensus


@dataclass(frozen=True)
class Report:
    criteria: list[CriterionRow] = field(default_factory=list)
    evaluators: list[EvaluatorRow] = field(default_factory=list)
    mean_score: float = 0.0


def _achievement(item: dict) -> float | None:
    if item.get("points") is None:
        return None
    return 100.0 * item["points"] / item["max_points"]


def report(evaluations: list[Scored]) -> Report:
    if not evaluations:
        return Report()
    order: list[int] = []
    by_criterion: dict[int, dict] = {}
    for scored in evaluations:
        for item in scored.items:
            key = item["criterion_id"]
            if key not in by_criterion:
                order.append(key)
                by_criterion[key] = {"item": item, "achievement": {}}
            by_criterion[key]["achievement"][scored.evaluator] = _achievement(item)
    rows = []
    for key in order:
        item, achieved = by_criterion[key]["item"], by_criterion[key]["achievement"]
        values = [a for a in achieved.values() if a is not None]
        consensus = mean(values) if values else None
        deviation = {
            e: None if a is None or consensus is None else round(a - consensus, 1)
            for e, a in achieved.items()
        }
        shown = {e: None if a is None else round(a, 1) for e, a in achieved.items()}
        rows.append(
            CriterionRow(
                criterion_id=key,
                section=item["section"],
                criterion=item["criterion"],
                consensus=None if consensus is None else round(consensus, 1),
                achievement=shown,
                deviation=deviation,
                cells=[
                    Cell(s.evaluator, shown.get(s.evaluator), deviation.get(s.evaluator))
                    for s in evaluations
                ],
            )
        )
    mean_score = mean(s.score for s in evaluations)
    people = []
    for scored in evaluations:
        gaps = [
            abs(row.deviation[scored.evaluator])
            for row in rows
            if row.deviation.get(scored.evaluator) is not None
        ]
        people.append(
            EvaluatorRow(
                evaluator=scored.evaluator,
                score=scored.score,
                score_deviation=round(scored.score - mean_score, 1),
                mean_abs_deviation=round(mean(gaps), 1) if gaps else 0.0,
                wide=sum(1 for gap in gaps if gap >= WIDE),
            )
        )
    return Report(criteria=rows, evaluators=people, mean_score=round(mean_score, 1))
