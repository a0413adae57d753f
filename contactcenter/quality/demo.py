"""The demo tenant's QA scorecard."""

from contactcenter.quality.models import Criterion, SamplingRule, Scorecard, Section

NAME = "Customer conversation"
SECTIONS = [
    # title, weight, [(criterion, weight, max points, auto-fail)]
    (
        "Opening",
        20,
        [("Greeted the customer and gave their name", 1, 1, False),
         ("Confirmed who the customer is before discussing the account", 0, 1, True)],
    ),
    (
        "Resolution",
        50,
        [("Understood the customer's need", 2, 1, False),
         ("Gave a correct and complete answer", 3, 4, False),
         ("Checked the problem was solved before closing", 1, 1, False)],
    ),
    (
        "Communication",
        30,
        [("Clear, friendly and in plain language", 1, 4, False),
         ("Never shared another customer's or card data", 0, 1, True)],
    ),
]  # fmt: skip


def seed(log) -> None:
    scorecard, created = Scorecard.objects.get_or_create(
        name=NAME,
        defaults={
            "description": "Every channel: opening, resolution, communication.",
            "pass_mark": 80,
        },
    )
    if created:
        for order, (title, weight, criteria) in enumerate(SECTIONS):
            section = Section.objects.create(
                scorecard=scorecard, title=title, weight=weight, order=order
            )
            for position, (text, points_weight, max_points, auto_fail) in enumerate(criteria):
                Criterion.objects.create(
                    section=section,
                    text=text,
                    order=position,
                    weight=points_weight,
                    max_points=max_points,
                    auto_fail=auto_fail,
                    allow_na=not auto_fail,
                )
    SamplingRule.objects.get_or_create(
        name="Unhappy customers",
        defaults={"kind": "low_csat", "per_agent": 2, "csat_at_most": 2, "scorecard": scorecard},
    )
    SamplingRule.objects.get_or_create(
        name="Some of everyone's", defaults={"kind": "random", "per_agent": 1}
    )
    log(f"quality: scorecard {NAME!r}, sampling rules for low CSAT and at random")
