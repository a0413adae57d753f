"""The unit of work projections write through: bulk fetches, counters summed in memory, and
a row deleted then added back in one batch."""

import pytest

from contactcenter.events.projections import Rows
from contactcenter.kpis.models import KpiWatermark
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
