"""Scoring rules without a database: weights, scales, N/A and auto-fail."""

import pytest

from contactcenter.interactions.domain import DomainError
from contactcenter.quality.scoring import answer, score


def item(cid, section, section_weight, weight, max_points=1, auto_fail=False, allow_na=True):
    return {
        "criterion_id": cid,
        "section": section,
        "section_weight": section_weight,
        "criterion": f"criterion {cid}",
        "weight": weight,
        "max_points": max_points,
        "auto_fail": auto_fail,
        "allow_na": allow_na,
    }


CARD = [
    item(1, "Opening", 20, 1),
    item(2, "Opening", 20, 0, auto_fail=True, allow_na=False),
    item(3, "Resolution", 80, 2),
    item(4, "Resolution", 80, 3, max_points=4),
]


def test_sections_weigh_their_criteria_and_the_card_weighs_its_sections():
    answered = answer(CARD, {1: 1, 2: 1, 3: 0, 4: 3}, {4: "missed the refund policy"})

    # Opening: 1/1 -> 100 %. Resolution: (2*0 + 3*3/4) / 5 = 45 %. Card: (20*1 + 80*0.45) / 100
    assert score(answered) == (pytest.approx(56.0), False)
    assert answered[3]["comment"] == "missed the refund policy"


def test_not_applicable_criteria_leave_the_denominator():
    answered = answer(CARD, {1: None, 2: 1, 3: 1, 4: 4}, {})
    assert score(answered) == (100.0, False)  # Opening has nothing applicable left


def test_missing_an_auto_fail_criterion_scores_zero_whatever_else():
    assert score(answer(CARD, {1: 1, 2: 0, 3: 1, 4: 4}, {})) == (0.0, True)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({1: 1, 2: 1, 3: 1}, "no answer"),
        ({1: 1, 2: None, 3: 1, 4: 1}, "cannot be N/A"),
        ({1: 1, 2: 1, 3: 1, 4: 5}, "0 to 4"),
    ],
)
def test_every_criterion_needs_an_answer_in_range(points, message):
    with pytest.raises(DomainError, match=message):
        answer(CARD, points, {})
