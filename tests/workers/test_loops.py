"""Background loops survive whatever a round throws at them, and say how they are doing."""

import logging
import random
import threading
import time

import pytest
from django.db import OperationalError
from django.test import override_settings

from contactcenter.workers import supervision
from contactcenter.workers.loop import Loop


def eventually(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


class Flaky:
    """Fails its first `failures` calls the way a database outage does, then works."""

    def __init__(self, failures: int, result=0):
        self.failures = failures
        self.calls = 0
        self.result = result

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("connection refused: is the server running?")
        return self.result


def running(loop: Loop) -> Loop:
    loop.start()
    return loop


def test_a_loop_survives_the_database_failing_while_it_works_out_how_long_to_wait():
    """Issue 13.1: the router's idle time is a database query; it ran outside the error
    handler, so an outage of a few seconds ended the router thread for good."""
    steps = []
    idle = Flaky(failures=3, result=0.01)
    loop = running(Loop("router-like", lambda: steps.append(1) or 0, idle=idle))
    try:
        eventually(lambda: len(steps) >= 6)
        assert loop.is_alive()
        assert idle.calls > 3
    finally:
        loop.stop()
        loop.join(5)


def test_a_failing_loop_reports_its_failures_and_its_recovery():
    step = Flaky(failures=3)
    loop = running(Loop("flaky", step, idle=0.01))
    try:
        eventually(lambda: loop.health().failures >= 2)
        failing = loop.health()
        assert failing.alive and failing.last_error.startswith("OperationalError")
        assert failing.last_success_at is None

        eventually(lambda: loop.health().last_success_at is not None)
        recovered = loop.health()
        assert recovered.failures == 0 and recovered.last_error == ""
        assert recovered.rounds >= 4
    finally:
        loop.stop()
        loop.join(5)


def test_a_health_report_read_as_the_loop_recovers_is_all_old_or_all_new():
    """Read while the loop was noting its recovery, a report was half of each: a last
    success, yet three failures in a row (found as a rerun in the suite)."""
    noting, carry_on = threading.Event(), threading.Event()

    class Pause(logging.Handler):  # holds the loop's thread on its "recovered" line
        def emit(self, record):
            if "recovered" in record.getMessage():
                noting.set()
                carry_on.wait(10)

    pause = Pause()
    logging.getLogger("contactcenter.workers.loop").addHandler(pause)
    loop = running(Loop("flaky", Flaky(failures=3), idle=0.01))
    try:
        assert noting.wait(30), "the loop never recovered"
        report = loop.health()
        carry_on.set()
        assert report.last_success_at is not None
        assert (report.failures, report.last_error) == (0, "")
    finally:
        carry_on.set()
        logging.getLogger("contactcenter.workers.loop").removeHandler(pause)
        loop.stop()
        loop.join(5)


@pytest.mark.django_db
def test_healthz_answers_503_while_a_loop_of_this_process_keeps_failing(client):
    broken = Loop("broken", Flaky(failures=10**9), idle=0.01)
    supervisor = supervision.Supervisor([broken], on_fatal=lambda reason: None)
    with override_settings(WORKER_UNHEALTHY_SECONDS=0.2, WORKER_GIVE_UP_SECONDS=3600):
        supervisor.start()
        try:
            eventually(lambda: broken.health().failing_for > 0.3)
            response = client.get("/healthz")
        finally:
            supervisor.stop()

    assert response.status_code == 503
    (loop,) = response.json()["loops"]
    assert loop["name"] == "broken" and not loop["healthy"]
    assert "failing for" in loop["problem"] and "OperationalError" in loop["problem"]


@pytest.mark.django_db
def test_healthz_shows_each_loop_of_this_process_while_they_work(client):
    fine = Loop("fine", lambda: 0, idle=0.01)
    supervisor = supervision.Supervisor([fine], on_fatal=lambda reason: None)
    supervisor.start()
    try:
        eventually(lambda: fine.health().last_success_at is not None)
        response = client.get("/healthz")
    finally:
        supervisor.stop()

    assert response.status_code == 200
    (loop,) = response.json()["loops"]
    assert loop["healthy"] and loop["last_success_at"]


def test_a_loop_that_cannot_recover_is_reported_beyond_recovery():
    fatal = threading.Event()
    reasons = []
    broken = Loop("broken", Flaky(failures=10**9), idle=0.01)

    def on_fatal(reason: str) -> None:
        reasons.append(reason)
        fatal.set()

    supervisor = supervision.Supervisor([broken], on_fatal=on_fatal)
    with override_settings(WORKER_GIVE_UP_SECONDS=0.5):
        supervisor.start()
        try:
            assert fatal.wait(10)
        finally:
            supervisor.stop()

    assert "broken has failed every round" in reasons[0]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_loop_whose_thread_died_is_reported_beyond_recovery():
    fatal = threading.Event()

    def dies() -> int:
        raise SystemExit  # not an Exception: nothing in the loop catches it

    supervisor = supervision.Supervisor([Loop("doomed", dies)], on_fatal=lambda r: fatal.set())
    supervisor.start()
    try:
        assert fatal.wait(10)
    finally:
        supervisor.stop()
    assert supervisor.fatal == "doomed is no longer running"


def test_backoffs_and_retry_pauses_leave_the_global_random_module_alone():
    """A loop's backoff and a retried command's pause draw their jitter from generators of
    their own. Drawn from the `random` module in a background thread, they changed what a
    test seeding it drew meanwhile (Hypothesis warned of "the `random` module inside
    strategies" in full runs), or a simulation's seeded run."""
    from contactcenter import commands

    before = random.getstate()
    assert Loop("failing", Flaky(failures=1))._round() > 0  # its backoff
    assert commands.pause_before(3) >= 0
    assert random.getstate() == before


def test_a_burst_of_wake_ups_is_taken_in_one_round():
    """Issue 18: the router was woken by each arrival's commit and ran a round for each, and a
    round costs nearly the same for one offer as for ten (the claim of every agent who could
    take the work). At twenty arrivals a second that was twenty rounds of one offer. Woken
    within `gather` of its last round, a loop waits out the rest and takes the burst at once."""
    rounds = []
    loop = running(Loop("router-like", lambda: rounds.append(1) or 0, idle=60, gather=1.5))
    try:
        eventually(lambda: len(rounds) == 1)
        for _ in range(5):  # five commits, one after another, each waking the loop
            loop.wake()
            time.sleep(0.02)
        eventually(lambda: len(rounds) == 2)
        time.sleep(0.2)
        assert len(rounds) == 2  # one round for the five; none left over for a sixth
    finally:
        loop.stop()
        loop.join(5)


def test_a_loop_stopped_while_it_gathers_stops_without_waiting_it_out():
    rounds = []
    loop = running(Loop("gathering", lambda: rounds.append(1) or 0, idle=60, gather=600))
    try:
        eventually(lambda: len(rounds) == 1)
        loop.wake()  # now waiting out the ten minutes
    finally:
        loop.stop()
        loop.join(5)
    assert not loop.is_alive()
    assert len(rounds) == 1


def test_the_loops_woken_by_commits_gather_them_as_configured():
    from contactcenter import outbox
    from contactcenter.csat import surveys
    from contactcenter.events import store
    from contactcenter.webhooks import delivery
    from contactcenter.workers import follower
    from routing import router

    subscribers = list(store._after_commit)
    try:
        with override_settings(WAKE_GATHER_SECONDS=0.25):
            loops = [
                router.router_loop("router-under-test"),
                delivery.webhook_loop(),
                follower.projection_follower(),
                surveys.survey_loop(),
                outbox.outbox_loop(),
            ]
    finally:
        store._after_commit[:] = subscribers
    assert {loop.name: loop.gather for loop in loops} == {
        "router-under-test": 0.25,
        "webhooks": 0.25,
        "projections": 1.0,  # a catch-up round's cost: at most one a second
        "csat-surveys": 0.25,
        "outbox": 0.25,
    }


@pytest.mark.django_db(transaction=True)
def test_the_catch_up_projections_take_the_commits_of_a_second_in_one_round(monkeypatch):
    """A catch-up round costs tens of milliseconds whatever its batch (the KPI projection's
    bulk writes), and the loop went again at once after every round that read anything: at
    20 chats a second, every few events a round of their own, half a core (issue 18).
    A round that read less than a batch now waits for the next commits, gathered a second."""
    from contactcenter.events import projections, store
    from contactcenter.workers import follower
    from tests.factories import new_chat
    from tests.settle import settle

    subscribers = list(store._after_commit)
    try:
        loop = follower.projection_follower()
    finally:
        store._after_commit[:] = subscribers
    assert loop.gather >= 1.0
    projections.catch_up_all()
    new_chat(text="one")
    settle()
    assert loop.step() == 0  # read less than a batch: nothing left to go again for
    for projector in projections.all_projectors().values():
        monkeypatch.setattr(projector, "catch_up_batch", 1)
    new_chat(text="two")
    settle()
    assert loop.step() > 0  # a full batch: more may be waiting
