"""Scoring an evaluation: pure functions over the scorecard as it was and the answers.

section score = Σ weight * points ÷ max_points  ÷  Σ weight       (applicable criteria)
score         = Σ section weight * section score ÷ Σ section weight (sections with any
                applicable weighted criterion), as a percentage; 0 when an auto-fail
                criterion scored 0.
"""

from typing import Any

from contactcenter.interactions.domain import DomainError


def snapshot(scorecard) -> list[dict[str, Any]]:
    """The scorecard's criteria as the evaluation event records them."""
    return [
        {
            "criterion_id": criterion.pk,
            "section": section.title,
            "section_weight": section.weight,
            "criterion": criterion.text,
            "weight": criterion.weight,
            "max_points": criterion.max_points,
            "auto_fail": criterion.auto_fail,
            "allow_na": criterion.allow_na,
        }
        for section in scorecard.sections.prefetch_related("criteria")
        for criterion in section.criteria.all()
    ]


def answer(
    items: list[dict], points: dict[int, int | None], comments: dict[int, str]
) -> list[dict]:
    """Each criterion with its points (None: N/A) and comment; refuses a missing or
    out-of-range answer."""
    answered = []
    for item in items:
        criterion = item["criterion_id"]
        if criterion not in points:
            raise DomainError(f"score every criterion: {item['criterion']!r} has no answer")
        value = points[criterion]
        if value is None and not item["allow_na"]:
            raise DomainError(f"{item['criterion']!r} cannot be N/A")
        if value is not None and not 0 <= value <= item["max_points"]:
            raise DomainError(f"{item['criterion']!r} takes 0 to {item['max_points']} points")
        answered.append({**item, "points": value, "comment": comments.get(criterion, "")})
    return answered


def score(items: list[dict]) -> tuple[float, bool]:
    """(score 0..100, auto-failed) of answered items."""
    auto_failed = any(i["auto_fail"] and i["points"] == 0 for i in items)
    sections: dict[str, tuple[int, float, float]] = {}
    for item in items:
        if item["points"] is None or item["weight"] == 0:
            continue
        weight, earned, possible = sections.get(item["section"], (item["section_weight"], 0.0, 0.0))
        earned += item["weight"] * item["points"] / item["max_points"]
        possible += item["weight"]
        sections[item["section"]] = (weight, earned, possible)
    if not sections:
        if auto_failed:
            return 0.0, True
        raise DomainError("nothing to score: every weighted criterion is N/A")
    total_weight = sum(weight for weight, _, _ in sections.values())
    overall = sum(weight * earned / possible for weight, earned, possible in sections.values())
    result = 0.0 if auto_failed else round(100 * overall / total_weight, 2)
    return result, auto_failed
