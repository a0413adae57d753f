"""A scripted morning, appended with explicit times, and every KPI checked against figures
worked out by hand below (docs/kpis.md has the formulas)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from contactcenter.events import projections, store
from contactcenter.interactions import events as ie
from contactcenter.kpis import figures
from contactcenter.kpis.buckets import to_ms
from contactcenter.kpis.models import AgentClock, IntervalFact
from routing import events as re
from tests.kpis.follow import catch_up_fully

pytestmark = pytest.mark.django_db(transaction=True)

Q1, Q2 = 1, 2  # support (20 s threshold), billing (30 s)
ALICE, BOB = 7, 8
DAY = date(2026, 3, 2)
LATER = datetime(2026, 3, 9, tzinfo=UTC)  # every FCR window has passed


def at(clock: str) -> datetime:
    h, m, s = (int(part) for part in clock.split(":"))
    return datetime(2026, 3, 2, h, m, s, tzinfo=UTC)


def log(stream: str, when: str, *events) -> None:
    store.append(stream, list(events), store.stream_version(stream), occurred_at=at(when))


def presence(agent: int, when: str, state: str, capacity=None, reason: str = "") -> None:
    event = re.AgentPresenceChanged(
        agent_id=agent, presence=state, reason=reason, capacity=capacity or {}
    )
    log(f"agent-{agent}", when, event)


class Contact:
    def __init__(self, name: str, channel: str, customer: str, when: str, direction="inbound"):
        self.id = f"00000000-0000-0000-0000-{name:0>12}"
        self.stream = f"interaction-{self.id}"
        self.offers = 0
        log(
            self.stream,
            when,
            ie.InteractionCreated(
                interaction_id=self.id,
                channel=channel,
                channel_key="k",
                customer_id=customer,
                direction=direction,
            ),
        )

    def queued(self, when: str, queue: int, threshold: int) -> None:
        log(
            self.stream,
            when,
            ie.InteractionQueued(
                interaction_id=self.id, queue_id=queue, sl_threshold_seconds=threshold
            ),
        )

    def offered(self, when: str, agent: int, queue: int) -> str:
        self.offers += 1
        offer = f"{self.id[:-2]}{self.offers:02}"
        log(
            self.stream,
            when,
            ie.OfferCreated(
                interaction_id=self.id,
                offer_id=offer,
                agent_id=agent,
                queue_id=queue,
                expires_at=at(when).isoformat(),
            ),
        )
        return offer

    def accepted(self, when: str, offer: str, agent: int) -> None:
        log(
            self.stream,
            when,
            ie.OfferAccepted(interaction_id=self.id, offer_id=offer, agent_id=agent),
        )

    def timed_out(self, when: str, offer: str, agent: int) -> None:
        log(
            self.stream,
            when,
            ie.OfferTimedOut(interaction_id=self.id, offer_id=offer, agent_id=agent),
        )

    def replied(self, when: str, agent: int) -> None:
        log(
            self.stream,
            when,
            ie.MessageSent(
                interaction_id=self.id,
                message_id=f"m-{self.id}-{when}",
                channel="",
                author=f"agent:{agent}",
                text="On it",
            ),
        )

    def wrap_up(self, ended: str, done: str, agent: int) -> None:
        log(self.stream, ended, ie.WrapUpStarted(interaction_id=self.id, agent_id=agent))
        log(
            self.stream,
            done,
            ie.WrapUpCompleted(interaction_id=self.id, agent_id=agent, disposition="resolved"),
            ie.InteractionClosed(interaction_id=self.id, reason="wrapped_up"),
        )

    def abandoned(self, when: str) -> None:
        log(self.stream, when, ie.InteractionAbandoned(interaction_id=self.id))

    def rated(self, when: str, rating: int) -> None:
        log(self.stream, when, ie.CsatRated(interaction_id=self.id, rating=rating, comment=""))


def the_morning() -> None:
    presence(ALICE, "09:00:00", "available", {"webchat": 2, "email": 4, "voice": 1})
    presence(BOB, "09:00:00", "available", {"webchat": 3})

    a = Contact("a", "webchat", "c1", "09:01:00")  # answered in 10 s by Alice, rated 5
    a.queued("09:01:00", Q1, 20)
    a.accepted("09:01:10", a.offered("09:01:05", ALICE, Q1), ALICE)

    b = Contact("b", "webchat", "c2", "09:02:00")  # Bob misses it, Alice transfers to billing
    b.queued("09:02:00", Q1, 20)
    b.timed_out("09:02:40", b.offered("09:02:10", BOB, Q1), BOB)
    b.accepted("09:02:45", b.offered("09:02:41", ALICE, Q1), ALICE)

    c = Contact("c", "webchat", "c3", "09:03:00")  # gives up after 3 s: a short abandon
    c.queued("09:03:00", Q1, 20)
    d = Contact("d", "webchat", "c4", "09:03:30")  # gives up after 60 s
    d.queued("09:03:30", Q1, 20)
    c.abandoned("09:03:03")
    d.abandoned("09:04:30")

    log(
        b.stream,
        "09:04:45",
        ie.InteractionTransferred(interaction_id=b.id, from_agent_id=ALICE, kind="queue"),
        ie.InteractionQueued(interaction_id=b.id, queue_id=Q2, sl_threshold_seconds=30),
    )
    b.accepted("09:05:00", b.offered("09:04:50", BOB, Q2), BOB)
    a.wrap_up("09:05:10", "09:06:10", ALICE)
    a.rated("09:07:00", 5)
    b.wrap_up("09:08:00", "09:08:30", BOB)
    b.rated("09:09:00", 2)
    b.rated("09:10:00", 4)  # changed their mind: 4 counts, 2 does not

    f = Contact("f", "sms", "c5", "09:20:00")  # assigned by hand, closed without wrap-up
    f.queued("09:20:00", Q2, 30)
    log(
        f.stream, "09:20:10", ie.InteractionAssigned(interaction_id=f.id, agent_id=BOB, queue_id=Q2)
    )
    f.replied("09:21:00", BOB)
    log(
        f.stream,
        "09:25:00",
        ie.InteractionClosed(interaction_id=f.id, reason="closed_by_agent", agent_id=BOB),
    )
    presence(BOB, "09:30:00", "offline")
    presence(ALICE, "09:30:00", "away", reason="break")
    presence(ALICE, "09:45:00", "available", {"webchat": 2, "email": 4, "voice": 1})

    e = Contact("e", "email", "c1", "10:00:00")  # c1 again: contact a was not resolved first time
    e.queued("10:00:00", Q1, 20)
    e.accepted("10:10:00", e.offered("10:10:00", ALICE, Q1), ALICE)
    e.replied("10:12:00", ALICE)
    e.wrap_up("10:15:00", "10:16:00", ALICE)
    presence(ALICE, "10:30:00", "offline")


def project(batch: int | None = None) -> None:
    catch_up_fully(projections.get("kpis"), batch)


def day(dimension: str) -> dict[str, figures.Figures]:
    start, end = figures.day_range(DAY, DAY)
    return figures.totals(dimension, start, end, now=LATER)


def test_queue_figures_match_the_hand_computed_ones():
    the_morning()
    project()
    support, billing = day("queue")[str(Q1)], day("queue")[str(Q2)]

    # support: a (10 s), b (45 s) and e (600 s) answered; c (3 s) and d (60 s) abandoned
    assert (support.offered, support.answered, support.abandoned) == (5, 3, 2)
    assert support.abandoned_short == 1
    assert support.service_level == pytest.approx(1 / 3)
    assert support.service_level_offered == pytest.approx(1 / 5)
    assert support.service_level_short_excluded == pytest.approx(1 / 4)
    assert support.asa_seconds == pytest.approx((10 + 45 + 600) / 3)
    assert support.abandon_rate == pytest.approx(2 / 5)
    assert support.abandon_rate_short_excluded == pytest.approx(1 / 4)
    assert support.average_abandon_wait_seconds == pytest.approx((3 + 60) / 2)
    # handles answered from support: a 240+60, b's first part 120 (transferred), e 300+60
    assert support.handled == 3
    assert support.aht_seconds == pytest.approx((240 + 60 + 120 + 300 + 60) / 3)
    assert support.average_talk_seconds == pytest.approx((240 + 120 + 300) / 3)
    assert support.average_wrap_up_seconds == pytest.approx(60)
    assert support.transfer_rate == pytest.approx(1 / 3)
    assert support.fcr == pytest.approx(1 / 2)  # a came back as e; e did not come back
    assert support.csat == 1 and support.csat_mean == 5

    # billing: b transferred in (15 s in its 30 s threshold), f assigned after 10 s
    assert (billing.offered, billing.answered, billing.abandoned) == (2, 2, 0)
    assert billing.service_level == billing.service_level_offered == 1
    assert billing.asa_seconds == pytest.approx((15 + 10) / 2)
    assert billing.aht_seconds == pytest.approx((180 + 30 + 290) / 2)
    assert billing.average_wrap_up_seconds == pytest.approx(30)
    assert billing.transfer_rate == 0
    assert billing.fcr == 1
    assert billing.csat == 1 and billing.csat_mean == 4
    assert billing.first_response_seconds == pytest.approx(60)
    assert billing.resolution_seconds == pytest.approx(300)


def test_channel_figures_count_contacts_not_queue_visits():
    the_morning()
    project()
    chat, email, sms = (day("channel")[c] for c in ("webchat", "email", "sms"))

    # b's transfer is not a second contact: 4 offered, a and b answered (b waited 45 s)
    assert (chat.offered, chat.answered, chat.abandoned) == (4, 2, 2)
    assert chat.service_level == pytest.approx(1 / 2)
    assert chat.service_level_offered == pytest.approx(1 / 4)
    assert chat.service_level_short_excluded == pytest.approx(1 / 3)
    assert chat.asa_seconds == pytest.approx((10 + 45) / 2)
    assert chat.handled == 3 and chat.transfer_rate == pytest.approx(1 / 3)
    assert chat.aht_seconds == pytest.approx((240 + 60 + 120 + 180 + 30) / 3)
    assert chat.csat == 1 and chat.csat_mean == pytest.approx(4.5)
    assert chat.fcr == pytest.approx(1 / 2)
    assert chat.first_response_seconds is None  # web chat is not an async channel

    assert (email.offered, email.answered, email.service_level) == (1, 1, 0)
    assert email.first_response_seconds == pytest.approx(12 * 60)
    assert email.resolution_seconds == pytest.approx(16 * 60)
    assert email.fcr == 1
    assert (sms.answered, sms.service_level, sms.first_response_seconds) == (1, 1, 60)


def test_agent_figures_weigh_occupancy_by_capacity():
    the_morning()
    project()
    alice, bob = day("agent")[str(ALICE)], day("agent")[str(BOB)]

    assert (alice.offers, alice.offers_missed, alice.answered, alice.handled) == (3, 0, 3, 3)
    assert alice.aht_seconds == pytest.approx((240 + 60 + 120 + 300 + 60) / 3)
    assert alice.first_response_seconds == pytest.approx(720)
    assert alice.fcr == pytest.approx(1 / 2) and alice.csat_mean == 5
    # logged in 09:00-10:30, away 09:30-09:45. Work: a 09:01:10-09:06:10 and b 09:02:45-
    # 09:04:45 (chats of 2: half each), e 10:10-10:16 (an email of 4: a quarter).
    assert alice.logged_in_ms == 90 * 60_000 and alice.away_ms == 15 * 60_000
    assert alice.occupiable_ms == 75 * 60_000
    assert alice.working_ms == (300 + 360) * 1000
    used = 95 * 0.5 + 120 * 1.0 + 85 * 0.5 + 360 * 0.25
    assert alice.occupancy == pytest.approx(used / (75 * 60))
    assert alice.occupancy_any_work == pytest.approx(660 / (75 * 60))
    assert alice.utilisation == pytest.approx(used / (90 * 60))

    assert (bob.offers, bob.offers_missed, bob.handled) == (2, 1, 2)
    assert bob.aht_seconds == pytest.approx((180 + 30 + 290) / 2)
    # b 09:05:00-09:08:30 as one chat of 3; f 09:20:10-09:25:00 on SMS, where Bob has no
    # capacity configured: it takes all of him.
    assert bob.logged_in_ms == 30 * 60_000
    assert bob.occupancy == pytest.approx((210 / 3 + 290) / (30 * 60))


def test_figures_add_up_over_intervals():
    the_morning()
    project()
    start, end = figures.day_range(DAY, DAY)
    by_hour = figures.totals("queue", start, end, by="hour", now=LATER)
    nine, ten = (by_hour[at(f"{h}:00:00")] for h in (9, 10))

    assert (nine.offered, ten.offered) == (6, 1)
    assert nine.answered_in_sl == 3 and ten.answered == 1
    quarters = figures.totals("channel", start, end, by="quarter", now=LATER)
    assert quarters[at("09:00:00")].offered == 4  # a, b, c and d arrived 09:00-09:15
    assert quarters[at("10:15:00")].resolved == 1  # e, closed 10:16


def test_fcr_is_provisional_until_the_window_has_passed():
    the_morning()
    project()
    start, end = figures.day_range(DAY, DAY)
    soon = at("12:00:00")

    support = figures.totals("queue", start, end, now=soon)[str(Q1)]

    assert support.fcr is None  # nothing final yet
    assert support.fcr_provisional == pytest.approx(1 / 2)


def test_the_catch_up_in_small_batches_and_a_rebuild_agree_row_for_row():
    the_morning()
    project(batch=3)
    live = {
        model._meta.label: sorted(
            (model_to_dict(o) | {"pk": o.pk} for o in model.objects.all()),
            key=lambda r: str(r["pk"]),
        )
        for model in projections.get("kpis").models
    }
    assert IntervalFact.objects.exists()

    call_command("rebuild_projections", "kpis", verbosity=0)

    rebuilt = {
        model._meta.label: sorted(
            (model_to_dict(o) | {"pk": o.pk} for o in model.objects.all()),
            key=lambda r: str(r["pk"]),
        )
        for model in projections.get("kpis").models
    }
    assert rebuilt == live


def test_today_gives_the_wallboard_the_current_day_per_queue():
    the_morning()
    project()

    today = figures.today("queue", now=at("11:00:00"))

    assert today[str(Q1)].offered == 5 and today[str(Q2)].answered == 2
    assert figures.today("queue", now=at("11:00:00") + timedelta(days=1)) == {}


def test_a_catch_up_round_counts_the_logged_in_agents_time_in_whole_steps():
    """Each round counted every logged-in agent's time up to the latest event: at a rate,
    every agent's clock, fact and day written every second, whatever the round held
    (issue 18). Now up to the latest whole step of the watermark: an agent's own events
    still count their time to the event."""
    presence(ALICE, "09:00:00", "available", {"webchat": 2})
    presence(BOB, "09:00:00", "available", {"webchat": 2})
    project()
    presence(BOB, "09:00:10", "away")
    project()

    clocks = dict(AgentClock.objects.values_list("agent_id", "since_ms"))
    assert clocks == {ALICE: to_ms(at("09:00:00")), BOB: to_ms(at("09:00:10"))}

    presence(BOB, "09:00:20", "available")  # past a step: everyone's time is counted to it
    project()

    clocks = dict(AgentClock.objects.values_list("agent_id", "since_ms"))
    assert clocks == {ALICE: to_ms(at("09:00:15")), BOB: to_ms(at("09:00:20"))}
    alice, bob = day("agent")[str(ALICE)], day("agent")[str(BOB)]
    assert (alice.logged_in_ms, alice.away_ms) == (15_000, 0)
    assert (bob.logged_in_ms, bob.away_ms) == (20_000, 10_000)
