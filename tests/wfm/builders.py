"""A center for the workforce-management tests: a queue with weeks of KPI history, agents
with contracts, shift templates."""

import math
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from contactcenter.kpis.models import IntervalFact
from contactcenter.roles import SUPERVISORS
from tests.routing.builders import a_queue, an_agent
from wfm.models import Contract, ShiftTemplate


def history(queue_id: int, last_day: date, days: int = 28) -> None:
    """Offered contacts every quarter hour 08:00-18:00 with a midday peak (fewer at the
    weekend), handled at 4 minutes each, a few abandoning after 50 s."""
    zone = timezone.get_current_timezone()
    rows = []
    for d in range(days):
        day = last_day - timedelta(days=d)
        scale = 0.4 if day.weekday() >= 5 else 1.0
        for q in range(32, 72):
            hour = q / 4
            offered = round(scale * (6 + 10 * math.exp(-(((hour - 12) / 2.5) ** 2))))
            if not offered:
                continue
            bucket = datetime.combine(day, time(q // 4, q % 4 * 15)).replace(tzinfo=zone)
            abandoned = offered // 8
            rows.append(
                IntervalFact(
                    key=f"{bucket.astimezone(UTC):%Y-%m-%dT%H:%M}|queue|{queue_id}",
                    bucket=bucket,
                    dimension="queue",
                    dimension_id=str(queue_id),
                    offered=offered,
                    answered=offered - abandoned,
                    answer_wait_ms=(offered - abandoned) * 15_000,
                    abandoned=abandoned,
                    abandon_wait_ms=abandoned * 50_000,
                    handled=offered - abandoned,
                    handle_ms=(offered - abandoned) * 200_000,
                    wrapped=offered - abandoned,
                    wrap_ms=(offered - abandoned) * 40_000,
                )
            )
    IntervalFact.objects.bulk_create(rows)


def supervisor(username: str = "sam") -> User:
    boss = User.objects.create_user(username, password="pw-for-tests")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    return boss


def center(first_day: date, agents: int = 6, history_days: int = 28):
    """A support queue with history up to the day before `first_day`, `agents` agents on
    35-40 h contracts, and one 8.5 h template with lunch and two breaks."""
    queue = a_queue("Support", sl_threshold_seconds=20, sl_target_percent=80)
    history(queue.pk, first_day - timedelta(days=1), history_days)
    template = ShiftTemplate.objects.create(
        name="day",
        minutes=510,
        earliest_start=time(7, 0),
        latest_start=time(10, 0),
        start_step_minutes=60,
        breaks=[
            {"kind": "break", "minutes": 15, "earliest": 90, "latest": 150},
            {"kind": "lunch", "minutes": 30, "earliest": 210, "latest": 270, "paid": False},
            {"kind": "break", "minutes": 15, "earliest": 360, "latest": 420},
        ],
    )
    people = []
    for i in range(agents):
        user = an_agent(queue, username=f"agent{i + 1}", available=False)
        contract = Contract.objects.create(
            agent=user, min_hours_per_week=0, max_hours_per_week=40, max_days_per_week=5
        )
        contract.templates.add(template)
        people.append(user)
    return queue, people
