"""The unit of work projections write through: bulk fetches, counters summed in memory, and
a row deleted then added back in one batch."""

import datetime

import pytest
from django.db import DatabaseError, transaction

from contactcenter.events.projections import Rows
from contactcenter.kpis.facts import count, keys_for
from contactcenter.kpis.models import AgentClock, DailyFact, IntervalFact, KpiWatermark
from tests import statements

pytestmark = pytest.mark.django_db


def test_prefetch_loads_many_rows_at_once_and_remembers_the_misses():
    KpiWatermark.objects.create(name="a", at_ms=1)
    rows = Rows()

    # Every statement, Django's cursors' or not (reads by key run on a cursor of their own).
    with statements.recorded() as run:
        rows.prefetch(KpiWatermark, ["a", "b"])
        assert rows.get(KpiWatermark, "a").at_ms == 1
        assert rows.get(KpiWatermark, "b") is None
    assert len(statements.of_the_work(run)) == 1


def test_increments_are_summed_and_merged_into_new_and_stored_rows():
    KpiWatermark.objects.create(name="stored", at_ms=10)
    rows = Rows(bulk=True)
    for _ in range(3):
        rows.increment(KpiWatermark, "stored", {}, at_ms=5)
        rows.increment(KpiWatermark, "new", {}, at_ms=2)
    assert rows.pending_increments(KpiWatermark) == {"stored": {"at_ms": 15}, "new": {"at_ms": 6}}

    rows.flush()

    assert dict(KpiWatermark.objects.values_list("name", "at_ms")) == {"stored": 25, "new": 6}


def test_a_row_deleted_and_added_back_replaces_the_stored_one():
    KpiWatermark.objects.create(name="w", at_ms=1)
    rows = Rows(bulk=True)
    rows.delete(rows.get(KpiWatermark, "w"))
    rows.add(KpiWatermark(name="w", at_ms=7))

    rows.flush()

    assert list(KpiWatermark.objects.values_list("name", "at_ms")) == [("w", 7)]


def test_a_row_discarded_unread_is_deleted_with_one_statement():
    KpiWatermark.objects.create(name="there", at_ms=1)
    rows = Rows(lock=True)

    with statements.recorded() as run:  # the DELETE, no read before it
        rows.discard(KpiWatermark, "there")
        rows.discard(KpiWatermark, "never was")
        assert rows.get(KpiWatermark, "there") is None
        rows.flush()

    assert len(statements.of_the_work(run)) == 1
    assert not KpiWatermark.objects.exists()


def test_a_row_discarded_unread_and_added_again_is_the_new_one():
    KpiWatermark.objects.create(name="there", at_ms=1)
    rows = Rows(lock=True)
    rows.discard(KpiWatermark, "there")
    rows.add(KpiWatermark(name="there", at_ms=2))
    rows.discard(KpiWatermark, "missing")
    rows.add(KpiWatermark(name="missing", at_ms=3))

    rows.flush()

    assert dict(KpiWatermark.objects.values_list("name", "at_ms")) == {"there": 2, "missing": 3}


@pytest.mark.postgres
def test_a_catch_up_batch_writes_each_table_of_counters_and_changed_rows_in_one_statement():
    """A catch-up round of the KPIs counts every logged-in agent's time: a fact, its day and
    the agent's clock for each. Each table's rows went through a temporary table (created,
    filled by COPY, merged, dropped) or were deleted and copied back: five statements a table
    where one does, every second at a rate (issue 18)."""
    at = 1_767_607_200_000  # 2026-01-05 10:00 UTC
    first = Rows(bulk=True)
    count(first, keys_for(at, agent_id=7), logged_in_ms=1000)
    for agent_id in (7, 8):
        first.add(AgentClock(agent_id=agent_id, since_ms=at, work={}, capacity={"chat": 3}))
    first.flush()

    rows = Rows(bulk=True)
    count(rows, keys_for(at, agent_id=7), logged_in_ms=500, offers=1)
    count(rows, keys_for(at, agent_id=8) + keys_for(at, queue_id=3), offers=2)
    rows.prefetch(AgentClock, [7, 8])
    for agent_id in (7, 8):
        clock = rows.get(AgentClock, agent_id)
        clock.since_ms, clock.work = at + 500, {f"i-{agent_id}": "chat"}
        rows.changed(clock)
    with statements.recorded() as run:
        rows.flush()

    assert len(statements.of_the_work(run)) == 3, run  # facts, days, clocks
    facts = {f.pk: (f.logged_in_ms, f.offers) for f in IntervalFact.objects.all()}
    assert facts == {
        "2026-01-05T10:00|agent|7": (1500, 1),
        "2026-01-05T10:00|agent|8": (0, 2),
        "2026-01-05T10:00|queue|3": (0, 2),
    }
    day = DailyFact.objects.get(pk="2026-01-05|agent|7")
    assert (day.day, day.dimension, day.dimension_id, day.logged_in_ms) == (
        datetime.date(2026, 1, 5),
        "agent",
        "7",
        1500,
    )
    assert IntervalFact.objects.get(pk="2026-01-05T10:00|queue|3").bucket == datetime.datetime(
        2026, 1, 5, 10, 0, tzinfo=datetime.UTC
    )
    clocks = {c.agent_id: (c.since_ms, c.work, c.capacity) for c in AgentClock.objects.all()}
    assert clocks == {
        7: (at + 500, {"i-7": "chat"}, {"chat": 3}),
        8: (at + 500, {"i-8": "chat"}, {"chat": 3}),
    }


@pytest.mark.postgres
def test_a_catch_up_batch_that_changed_a_row_gone_meanwhile_writes_nothing():
    for name in ("a", "b"):
        KpiWatermark.objects.create(name=name, at_ms=1)
    rows = Rows(bulk=True)
    rows.prefetch(KpiWatermark, ["a", "b"])
    for name in ("a", "b"):
        mark = rows.get(KpiWatermark, name)
        mark.at_ms = 2
        rows.changed(mark)
    KpiWatermark.objects.filter(name="b").delete()

    with pytest.raises(DatabaseError), transaction.atomic():
        rows.flush()

    assert list(KpiWatermark.objects.values_list("name", "at_ms")) == [("a", 1)]
