"""Coaching sessions, written (planned, held, acknowledged: each one event on
`coaching-<id>`) and read for the pages (contactcenter/quality/coaching.py computes)."""

import uuid
from datetime import date, timedelta

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import DomainError
from contactcenter.kpis.figures import day_range
from contactcenter.quality import coaching
from contactcenter.quality.events import CoachingAcknowledged, CoachingHeld, CoachingPlanned
from contactcenter.quality.models import CoachingSession, Evaluation

MOST_GOALS = 10
TREND_WEEKS = 8


class CoachingStream(Aggregate):
    stream_prefix = "coaching"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.agent_id: int | None = None
        self.held = False
        self.acknowledged = False

    def when(self, event: RecordedEvent) -> None:
        match event.type:
            case "CoachingPlanned":
                self.agent_id = event.data["agent_id"]
            case "CoachingHeld":
                self.held = True
            case "CoachingAcknowledged":
                self.acknowledged = True

    def plan(self, event: CoachingPlanned) -> list[DomainEvent]:
        if not self.is_new:
            raise DomainError("this coaching session is planned already")
        return [event]

    def hold(self, coach_id: int, note: str) -> list[DomainEvent]:
        if self.is_new:
            raise DomainError("no such coaching session")
        if self.held:
            raise DomainError("this session was held already")
        return [CoachingHeld(coaching_id=self.key, coach_id=coach_id, note=note)]

    def acknowledge(self, agent_id: int, comment: str) -> list[DomainEvent]:
        if self.is_new or self.agent_id != agent_id:
            raise DomainError("no such coaching session of yours")
        if self.acknowledged:
            raise DomainError("already acknowledged")
        return [CoachingAcknowledged(coaching_id=self.key, agent_id=agent_id, comment=comment)]


@command
def plan(
    evaluation_ids: list[str],
    *,
    coach_id: int,
    goals: list[str],
    due_on: date,
    focus_criteria: list[int],
    note: str = "",
) -> str:
    """Plan a session with the agent of `evaluation_ids` (one agent's, outside calibrations);
    returns its id."""
    evaluations = list(Evaluation.objects.filter(pk__in=evaluation_ids, calibration_id=""))
    agents = {e.agent_id for e in evaluations}
    if not evaluations or len(evaluations) != len(set(evaluation_ids)) or len(agents) != 1:
        raise DomainError("coach one agent on their own evaluations")
    goals = [g.strip()[:300] for g in goals if g.strip()]
    if not goals:
        raise DomainError("write at least one goal")
    if len(goals) > MOST_GOALS:
        raise DomainError(f"at most {MOST_GOALS} goals")
    if due_on < clock.now().date():
        raise DomainError("the due date has passed")
    criteria = {i["criterion_id"]: i["criterion"] for e in evaluations for i in e.items}
    if any(c not in criteria for c in focus_criteria):
        raise DomainError("focus on criteria of these evaluations")
    coaching_id = str(uuid.uuid4())
    event = CoachingPlanned(
        coaching_id=coaching_id,
        agent_id=agents.pop(),
        coach_id=coach_id,
        evaluation_ids=sorted(set(evaluation_ids)),
        focus=[{"criterion_id": c, "criterion": criteria[c]} for c in focus_criteria],
        goals=goals,
        due_on=due_on.isoformat(),
        note=note[:2000],
    )
    aggregates.decide_and_append(CoachingStream, coaching_id, lambda s: s.plan(event))
    return coaching_id


@command
def hold(coaching_id: str, coach_id: int, note: str = "") -> None:
    aggregates.decide_and_append(
        CoachingStream, coaching_id, lambda s: s.hold(coach_id, note[:2000])
    )


@command
def acknowledge(coaching_id: str, agent_id: int, comment: str = "") -> None:
    aggregates.decide_and_append(
        CoachingStream, coaching_id, lambda s: s.acknowledge(agent_id, comment[:2000])
    )


# -- reading ---------------------------------------------------------------------------------


def _scored(evaluations) -> list[coaching.Scored]:
    return [coaching.Scored(e.submitted_at, e.score, e.passed, e.items) for e in evaluations]


def agent_trend(agent_id: int, today: date) -> tuple[list[date], dict[str, list[float | None]]]:
    """The agent's last TREND_WEEKS weeks, per criterion (their quality page's chart)."""
    last = coaching.week_of(today)
    weeks = [last - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    start, _ = day_range(weeks[0], today)
    mine = Evaluation.objects.filter(agent_id=agent_id, calibration_id="", submitted_at__gte=start)
    return weeks, coaching.trend(_scored(mine), weeks)


def session_effect(session: CoachingSession) -> coaching.Effect:
    window = timedelta(days=30)
    theirs = Evaluation.objects.filter(
        agent_id=session.agent_id,
        calibration_id="",
        submitted_at__gte=session.planned_at - window,
    )
    return coaching.effect(
        _scored(theirs), session.planned_at, session.held_at, session.focus, window
    )


def report(first: date, last: date, agents: frozenset[int] | None, today: date) -> dict:
    """The coaching section of the QA report: coverage in the range, and each session's
    score change."""
    start, end = day_range(first, last)
    evaluations = Evaluation.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, calibration_id=""
    )
    sessions = CoachingSession.objects.filter(planned_at__gte=start, planned_at__lt=end)
    if agents is not None:
        evaluations = evaluations.filter(agent_id__in=agents)
        sessions = sessions.filter(agent_id__in=agents)
    passed: dict[int, list[bool]] = {}
    for agent_id, ok in evaluations.values_list("agent_id", "passed"):
        passed.setdefault(agent_id, []).append(ok)
    sessions = list(sessions)
    covered = coaching.coverage(
        passed,
        [
            {
                "agent_id": s.agent_id,
                "held": s.held_at is not None,
                "acknowledged": s.acknowledged_at is not None,
                "due_on": s.due_on,
            }
            for s in sessions
        ],
        today,
    )
    effects = [(s, session_effect(s)) for s in sessions]
    changes = [e.change for _, e in effects if e.change is not None]
    return {
        "coverage": covered,
        "sessions": effects,
        "mean_change": round(sum(changes) / len(changes), 1) if changes else None,
    }
