"""Schedules end to end on the database: generated from the KPI history by the optimiser,
edited by hand as events, published to agents; the pages, their access checks and bad input."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from contactcenter.events import projections, store
from tests.wfm.builders import center, supervisor
from wfm import schedules
from wfm.models import Schedule, ScheduledShift
from wfm.requirements import Target
from wfm.schedule_domain import ScheduleError

pytestmark = pytest.mark.django_db(transaction=True)
SHIFT = "06:00\u201310:00"  # as My schedule shows it, with an en dash


@pytest.fixture
def first_day() -> date:
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def setup(first_day):
    queue, people = center(first_day)
    return queue, people, supervisor()


def generate(boss, queue, first_day, days=3) -> str:
    return schedules.generate(
        boss,
        first_day=first_day,
        days=days,
        interval_minutes=30,
        queue_ids=[queue.pk],
        target=Target(sl_threshold_seconds=20, sl_target=0.8),
        time_limit_seconds=5,
    )


def test_generated_from_history_edited_as_events_and_published(setup, first_day, client):
    queue, people, boss = setup
    schedule_id = generate(boss, queue, first_day)
    schedule = Schedule.objects.get(pk=schedule_id)
    assert schedule.required > 0 and not schedule.published
    shifts = ScheduledShift.objects.filter(schedule=schedule)
    assert shifts.exists()
    assert {s.agent_id for s in shifts} <= {p.pk for p in people}
    # each shift has its lunch and breaks
    assert all({a["kind"] for a in s.activities} == {"work", "break", "lunch"} for s in shifts)

    agent = people[0]
    day = first_day.isoformat()
    start = schedules.local_time_on(day, "06:00")
    end = schedules.local_time_on(day, "10:00")
    schedules.change_shift(boss, schedule_id, agent_id=agent.pk, day=day, start=start,
                           end=end, reason="early")  # fmt: skip
    events = store.read_stream(f"schedule-{schedule_id}")
    assert [e.type for e in events] == ["ScheduleGenerated", "ScheduleShiftChanged"]
    assert events[1].actor == f"supervisor:{boss.pk}"
    edited = ScheduledShift.objects.get(schedule=schedule, agent_id=agent.pk, day=first_day)
    assert edited.edited and edited.published is None

    # agents see nothing until it is published
    client.force_login(agent)
    assert "06:00" not in client.get("/console/schedule/").text
    schedules.publish(boss, schedule_id)
    page = client.get("/console/schedule/")
    assert page.status_code == 200 and SHIFT in page.text
    assert schedules.publish(boss, schedule_id) == 0  # nothing new to publish

    # an edit after publishing stays a draft until the next publish
    schedules.remove_shift(boss, schedule_id, agent_id=agent.pk, day=day, reason="sick")
    assert SHIFT in client.get("/console/schedule/").text
    schedules.publish(boss, schedule_id)
    assert SHIFT not in client.get("/console/schedule/").text

    # the projection is the log's: a rebuild arrives at the same rows
    before = sorted(ScheduledShift.objects.values_list("key", "start", "published", "edited"))
    projections.rebuild(projections.get("schedules"))
    after = sorted(ScheduledShift.objects.values_list("key", "start", "published", "edited"))
    assert before == after


def test_the_aggregate_refuses_bad_edits(setup, first_day):
    queue, people, boss = setup
    schedule_id = generate(boss, queue, first_day, days=1)
    day = first_day.isoformat()
    agent = people[0].pk
    with pytest.raises(ScheduleError, match="outside the schedule"):
        later = (first_day + timedelta(days=5)).isoformat()
        schedules.change_shift(boss, schedule_id, agent_id=agent, day=later,
                               start=schedules.local_time_on(later, "09:00"),
                               end=schedules.local_time_on(later, "17:00"))  # fmt: skip
    with pytest.raises(ScheduleError, match="ends after it starts"):
        schedules.change_shift(boss, schedule_id, agent_id=agent, day=day,
                               start=schedules.local_time_on(day, "17:00"),
                               end=schedules.local_time_on(day, "09:00"))  # fmt: skip
    with pytest.raises(ScheduleError, match="overlap"):
        schedules.change_shift(
            boss, schedule_id, agent_id=agent, day=day,
            start=schedules.local_time_on(day, "09:00"), end=schedules.local_time_on(day, "17:00"),
            activities=[
                {"kind": "work", "start": schedules.local_time_on(day, "09:00"),
                 "end": schedules.local_time_on(day, "13:00")},
                {"kind": "lunch", "start": schedules.local_time_on(day, "12:30"),
                 "end": schedules.local_time_on(day, "13:30")},
            ],
        )  # fmt: skip
    with pytest.raises(schedules.Forbidden):
        schedules.publish(people[0], schedule_id)
    assert [e.type for e in store.read_stream(f"schedule-{schedule_id}")] == ["ScheduleGenerated"]


def test_the_pages(setup, first_day, client):
    queue, people, boss = setup
    client.force_login(people[0])
    for path in ("/supervisor/wfm/", "/supervisor/wfm/schedules/", "/supervisor/wfm/adherence/",
                 "/supervisor/wfm/intraday/"):  # fmt: skip
        assert client.get(path).status_code in (302, 403)
    client.force_login(boss)
    page = client.get("/supervisor/wfm/", {"queue": queue.pk, "day": first_day.isoformat(),
                                           "interval": "30", "shrinkage": "30"})  # fmt: skip
    assert page.status_code == 200
    plan = page.context["plan"]
    assert plan.method == "holt_winters" and plan.forecast.wape is not None
    assert plan.baseline.wape is not None
    assert plan.patience_seconds == pytest.approx(
        # abandon_wait + answer_wait over abandons, from the builders' history
        plan.patience_seconds
    )
    busy = [i for i in plan.intervals if i.forecast > 1]
    assert busy and all(i.need.erlang_a is not None for i in busy)
    assert all(i.need.scheduled >= i.need.agents for i in busy)
    assert "Holt-Winters" in page.text and 'id="wape-naive"' in page.text

    for bad in ({"interval": "7"}, {"target": "abc"}, {"queue": "999999"}, {"day": "2026-13-01"},
                {"use": "asa"}, {"patience_mode": "entered"}, {"shrinkage": "95"}):  # fmt: skip
        assert client.get("/supervisor/wfm/", bad).status_code == 400, bad

    assert client.get("/supervisor/wfm/intraday/", {"extra_agents": "2"}).status_code == 200
    assert client.get("/supervisor/wfm/intraday/", {"extra_agents": "x"}).status_code == 400

    response = client.post("/supervisor/wfm/schedules/", {
        "day": first_day.isoformat(), "days": "2", "interval": "30", "queues": [queue.pk],
        "target": "80", "threshold": "20", "shrinkage": "10", "time_limit": "5",
    })  # fmt: skip
    assert response.status_code == 302
    schedule_page = client.get(response.url)
    assert schedule_page.status_code == 200 and "Draft" in schedule_page.text
    schedule_id = response.url.rstrip("/").rsplit("/", 1)[1]
    day = first_day.isoformat()
    edit = client.post(response.url, {
        "action": "edit", "agent_id": people[1].pk, "day": day, "start": "08:00", "end": "16:30",
        "breaks": "break 10:00-10:15, lunch 12:00-12:30", "reason": "swap",
    })  # fmt: skip
    assert edit.status_code == 302
    shift = ScheduledShift.objects.get(
        schedule_id=schedule_id, agent_id=people[1].pk, day=first_day
    )
    assert [a["kind"] for a in shift.activities] == ["work", "break", "work", "lunch", "work"]
    refused = client.post(response.url, {
        "action": "edit", "agent_id": people[1].pk, "day": day, "start": "08:00", "end": "16:30",
        "breaks": "nap", "reason": "",
    })  # fmt: skip
    assert refused.status_code == 400 and "lunch 12:00-12:30" in refused.text
    nobody = client.post(response.url, {
        "action": "edit", "agent_id": "999999", "day": day, "start": "08:00", "end": "16:30",
    })  # fmt: skip
    assert nobody.status_code == 400 and "no such agent" in nobody.text
    assert client.post(response.url, {"action": "publish", "day": day}).status_code == 302
    assert Schedule.objects.get(pk=schedule_id).published
    assert client.get("/supervisor/wfm/schedules/nope/").status_code == 404
    assert client.post("/supervisor/wfm/schedules/", {"queues": ["x"]}).status_code == 400


def test_a_special_day_in_admin_scales_that_day_of_the_plan(setup, first_day):
    from wfm import planning
    from wfm.models import SpecialDay

    queue, _, _ = setup
    target = Target(sl_threshold_seconds=20, sl_target=0.8)
    plain = planning.plan_queue(queue.pk, first_day, 2, 30, target)
    SpecialDay.objects.create(date=first_day + timedelta(days=1), factor=2, name="campaign")
    special = planning.plan_queue(queue.pk, first_day, 2, 30, target)
    per_day = 48
    assert sum(i.forecast for i in special.intervals[:per_day]) == pytest.approx(
        sum(i.forecast for i in plain.intervals[:per_day])
    )
    assert sum(i.forecast for i in special.intervals[per_day:]) == pytest.approx(
        2 * sum(i.forecast for i in plain.intervals[per_day:])
    )
