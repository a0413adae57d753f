"""QA reports: evaluations by agent and results by criterion over a date range."""

from datetime import date

from django.db.models import Avg, Count, Q, Sum

from contactcenter.kpis.figures import day_range
from contactcenter.quality.models import Evaluation, EvaluationItem


def by_agent(first: date, last: date, agents: frozenset[int] | None = None) -> list[dict]:
    """Per agent (of `agents`, or all): evaluations, mean score, share passed, auto-fails."""
    start, end = day_range(first, last)
    found = Evaluation.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, calibration_id=""
    )
    if agents is not None:
        found = found.filter(agent_id__in=agents)
    rows = (
        found.values("agent_id")
        .annotate(
            evaluations=Count("id"),
            mean_score=Avg("score"),
            passed_count=Count("id", filter=Q(passed=True)),
            auto_fails=Count("id", filter=Q(auto_failed=True)),
        )
        .order_by("agent_id")
    )
    return [{**row, "pass_rate": row["passed_count"] / row["evaluations"]} for row in rows]


def by_criterion(first: date, last: date, agents: frozenset[int] | None = None) -> list[dict]:
    """Per criterion, over the evaluations of `agents` (or all): how often scored, its mean
    achievement (points ÷ maximum, over the evaluations where it applied), how often N/A and
    how often missed entirely (0)."""
    start, end = day_range(first, last)
    found = EvaluationItem.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if agents is not None:
        found = found.filter(agent_id__in=agents)
    rows = (
        found.values("scorecard_name", "section", "criterion_id", "criterion", "auto_fail")
        .annotate(
            scored=Count("key", filter=Q(points__isnull=False)),
            not_applicable=Count("key", filter=Q(points__isnull=True)),
            missed=Count("key", filter=Q(points=0)),
            given=Sum("points"),
            possible=Sum("max_points", filter=Q(points__isnull=False)),
        )
        .order_by("scorecard_name", "section", "criterion_id")
    )
    return [
        {**row, "achievement": row["given"] / row["possible"] if row["possible"] else None}
        for row in rows
    ]
