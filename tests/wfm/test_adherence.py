"""Adherence by hand (pure), and on the database: the daily report from the agent's presence
events, real-time adherence, the wallboard column and the out-of-adherence alert."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from contactcenter import clock
from contactcenter.events import store
from contactcenter.supervisor import wallboard
from routing import events as routing_events
from routing.presence import set_presence
from tests.wfm.builders import center, supervisor
from wfm import adherence, rta, schedules
from wfm.adherence import Span
from wfm.requirements import Target


def t(hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 3, 2, h, m, tzinfo=UTC)


SHIFT = [
    Span("work", t("09:00"), t("12:00")),
    Span("lunch", t("12:00"), t("12:30")),
    Span("work", t("12:30"), t("17:00")),
]
CHANGES = [(t("09:10"), "available"), (t("12:00"), "away"), (t("12:40"), "available"),
           (t("17:00"), "offline")]  # fmt: skip


def test_adherence_and_conformance_by_hand():
    presence = adherence.timeline(CHANGES, t("00:00"), t("23:59"))
    figures = adherence.compare(SHIFT, presence)
    # scheduled 8 h; out: 09:00-09:10 offline at work, 12:30-12:40 away at work
    assert figures.scheduled_seconds == 8 * 3600
    assert figures.in_adherence_seconds == 8 * 3600 - 20 * 60
    assert figures.adherence == pytest.approx((8 * 60 - 20) / (8 * 60))
    # available 09:10-12:00 and 12:40-17:00 over 7.5 h of scheduled work
    assert figures.conformance == pytest.approx((170 + 260) / 450)
    assert [(x.start, x.end, x.scheduled, x.actual) for x in figures.exceptions] == [
        (t("09:00"), t("09:10"), "work", "offline"),
        (t("12:30"), t("12:40"), "work", "away"),
    ]
    # a day still running counts only up to now
    morning = adherence.compare(SHIFT, presence, until=t("10:00"))
    assert morning.scheduled_seconds == 3600 and morning.in_adherence_seconds == 3000


def test_real_time_adherence_by_hand():
    at_lunch = adherence.now(SHIFT, "available", t("11:00"), t("12:05"))
    assert (at_lunch.scheduled, at_lunch.in_adherence) == ("lunch", False)
    assert at_lunch.out_since == t("12:00")  # the lunch began after they went available
    late = adherence.now(SHIFT, "away", t("12:00"), t("12:35"))
    assert (late.scheduled, late.in_adherence, late.out_since) == ("work", False, t("12:30"))
    assert adherence.now(SHIFT, "offline", None, t("18:00")).scheduled == "off"
    assert adherence.now(SHIFT, "available", t("12:40"), t("13:00")).in_adherence


@pytest.mark.django_db(transaction=True)
def test_the_daily_report_and_the_live_view(client):
    today = timezone.localdate()
    queue, people = center(today, agents=2, history_days=21)
    boss = supervisor()
    schedule_id = schedules.generate(
        boss, first_day=today, days=1, interval_minutes=30, queue_ids=[queue.pk],
        target=Target(sl_threshold_seconds=20, sl_target=0.8), time_limit_seconds=5,
    )  # fmt: skip
    agent = people[0]
    day = today.isoformat()
    at = lambda hhmm: schedules.local_time_on(day, hhmm)  # noqa: E731
    schedules.change_shift(
        boss, schedule_id, agent_id=agent.pk, day=day, start=at("09:00"), end=at("17:00"),
        activities=[
            {"kind": "work", "start": at("09:00"), "end": at("12:00")},
            {"kind": "lunch", "start": at("12:00"), "end": at("12:30")},
            {"kind": "work", "start": at("12:30"), "end": at("17:00")},
        ],
    )  # fmt: skip
    schedules.publish(boss, schedule_id)
    stream = f"agent-{agent.pk}"
    for hhmm, presence in (("09:10", "available"), ("12:00", "away"), ("12:40", "available"),
                           ("17:00", "offline")):  # fmt: skip
        event = routing_events.AgentPresenceChanged(
            agent_id=agent.pk, presence=presence, reason="break" if presence == "away" else ""
        )
        store.append(stream, [event], store.stream_version(stream),
                     occurred_at=datetime.fromisoformat(at(hhmm)))  # fmt: skip
    evening = datetime.fromisoformat(at("23:00"))
    report = {row["agent_id"]: row["figures"] for row in rta.daily_report(today, evening)}
    mine = report[agent.pk]
    assert mine.adherence == pytest.approx((8 * 60 - 20) / (8 * 60))
    assert mine.conformance == pytest.approx((170 + 260) / 450)

    client.force_login(boss)
    with clock.travel(evening - clock.now()):  # the page counts up to now: be there at 23:00
        page = client.get("/supervisor/wfm/adherence/", {"day": day})
    assert page.status_code == 200 and "95.8" in page.text
    assert client.get("/supervisor/wfm/adherence/", {"day": "yesterday"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_out_of_adherence_shows_on_the_wallboard_and_alerts():
    now = clock.now()
    today = timezone.localdate(now)
    queue, people = center(today, agents=1, history_days=21)
    boss = supervisor()
    schedule_id = schedules.generate(
        boss, first_day=today, days=1, interval_minutes=30, queue_ids=[queue.pk],
        target=Target(sl_threshold_seconds=20, sl_target=0.8), time_limit_seconds=5,
    )  # fmt: skip
    agent = people[0]
    start = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
    schedules.change_shift(
        boss, schedule_id, agent_id=agent.pk, day=today.isoformat(),
        start=start.isoformat(), end=(start + timedelta(hours=3)).isoformat(),
    )  # fmt: skip
    schedules.publish(boss, schedule_id)
    set_presence(agent.pk, "away", "break")  # scheduled to work

    row = next(a for a in wallboard.board()["agents"] if a["id"] == agent.pk)
    assert row["adherence"]["scheduled"] == "work" and not row["adherence"]["in_adherence"]
    assert f"out_of_adherence:{agent.pk}" not in wallboard.alert_conditions(clock.now())
    with clock.travel(timedelta(minutes=rta.ALERT_AFTER_MINUTES + 1)):
        conditions = wallboard.alert_conditions(clock.now())
        assert conditions[f"out_of_adherence:{agent.pk}"][0] == "out_of_adherence"
    set_presence(agent.pk, "available")
    row = next(a for a in wallboard.board()["agents"] if a["id"] == agent.pk)
    assert row["adherence"]["in_adherence"]
