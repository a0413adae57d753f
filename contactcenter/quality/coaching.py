"""Coaching after evaluations: what the agent's page and the coaching report compute. Pure:
evaluations in (as the projection holds them), figures out.

- `trend`: an agent's achievement per criterion, week by week (points ÷ maximum over the
  week's evaluations where the criterion applied), for the chart on their quality page;
- `effect`: a coaching session's score change: the agent's mean score in the `window` days
  before it was planned against the same window after it was held (or planned), and the
  same for each focus criterion;
- `coverage`: of the agents who failed an evaluation in a range, how many were coached.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import mean


@dataclass(frozen=True)
class Scored:
    """One evaluation of the agent, as the charts need it."""

    at: datetime
    score: float
    passed: bool
    items: list[dict] = field(default_factory=list)  # criterion_id, criterion, points, max_points


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def trend(evaluations: Iterable[Scored], weeks: list[date]) -> dict[str, list[float | None]]:
    """criterion -> achievement (0..100) for each week of `weeks` (Mondays), None where the
    criterion was not scored that week."""
    sums: dict[str, dict[date, list[float]]] = {}
    for scored in evaluations:
        week = week_of(scored.at.date())
        for item in scored.items:
            if item.get("points") is None:
                continue
            by_week = sums.setdefault(item["criterion"], {})
            by_week.setdefault(week, []).append(100.0 * item["points"] / item["max_points"])
    return {
        criterion: [round(mean(by_week[w]), 1) if w in by_week else None for w in weeks]
        for criterion, by_week in sorted(sums.items())
    }


@dataclass(frozen=True)
class Effect:
    before: float | None  # mean score in the window before
    after: float | None  # and after
    evaluations_before: int
    evaluations_after: int
    focus: dict[str, tuple[float | None, float | None]]  # criterion -> (before, after) %

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


def _achievement(evaluations: list[Scored], criterion_id: int) -> float | None:
    found = [
        100.0 * i["points"] / i["max_points"]
        for e in evaluations
        for i in e.items
        if i["criterion_id"] == criterion_id and i.get("points") is not None
    ]
    return round(mean(found), 1) if found else None


def effect(
    evaluations: Iterable[Scored],
    planned_at: datetime,
    held_at: datetime | None,
    focus: list[dict],
    window: timedelta = timedelta(days=30),
) -> Effect:
    after_from = held_at or planned_at
    before = [e for e in evaluations if planned_at - window <= e.at < planned_at]
    after = [e for e in evaluations if after_from <= e.at < after_from + window]
    return Effect(
        before=round(mean(e.score for e in before), 1) if before else None,
        after=round(mean(e.score for e in after), 1) if after else None,
        evaluations_before=len(before),
        evaluations_after=len(after),
        focus={
            f["criterion"]: (
                _achievement(before, f["criterion_id"]),
                _achievement(after, f["criterion_id"]),
            )
            for f in focus
        },
    )


@dataclass(frozen=True)
class Coverage:
    evaluated: int  # agents evaluated in the range
    failing: int  # of them, agents with an evaluation that did not pass
    coached: int  # of those, agents with a coaching session planned in the range or after
    sessions: int
    held: int
    acknowledged: int
    overdue: int  # due before today and not held

    @property
    def share_coached(self) -> float | None:
        return self.coached / self.failing if self.failing else None


def coverage(
    evaluated: dict[int, list[bool]],
    sessions: list[dict],
    today: date,
) -> Coverage:
    """`evaluated`: agent -> passed? of each evaluation in the range; `sessions`: the coaching
    sessions of the range as dicts (agent_id, held, acknowledged, due_on)."""
    failing = {agent for agent, passed in evaluated.items() if not all(passed)}
    coached = {s["agent_id"] for s in sessions}
    return Coverage(
        evaluated=len(evaluated),
        failing=len(failing),
        coached=len(failing & coached),
        sessions=len(sessions),
        held=sum(1 for s in sessions if s["held"]),
        acknowledged=sum(1 for s in sessions if s["acknowledged"]),
        overdue=sum(1 for s in sessions if not s["held"] and s["due_on"] < today),
    )
