import time
from dataclasses import dataclass

import pytest
from django.db import connection

from contactcenter.events import store
from contactcenter.events.context import acting_as
from contactcenter.events.store import ConcurrencyError, DuplicateAppend
from contactcenter.events.types import DomainEvent

pytestmark = pytest.mark.django_db


@dataclass(frozen=True, kw_only=True)
class ParcelScanned(DomainEvent):
    parcel: str
    depot: str = ""


def scans(*depots: str) -> list[ParcelScanned]:
    return [ParcelScanned(parcel="p1", depot=d) for d in depots]


def test_appended_events_come_back_in_version_order():
    store.append("parcel-1", scans("A", "B"), expected_version=0)
    store.append("parcel-1", scans("C"), expected_version=2)

    events = store.read_stream("parcel-1")

    assert [(e.version, e.data["depot"]) for e in events] == [(1, "A"), (2, "B"), (3, "C")]
    assert [e.payload for e in events] == scans("A", "B", "C")
    assert store.stream_version("parcel-1") == 3
    assert store.stream_version("parcel-unknown") == 0


def test_a_version_clash_raises_and_appends_nothing():
    store.append("parcel-2", scans("A"), expected_version=0)

    with pytest.raises(ConcurrencyError, match="expected at version 0"):
        store.append("parcel-2", scans("B", "C"), expected_version=0)

    assert [e.data["depot"] for e in store.read_stream("parcel-2")] == ["A"]


def test_a_repeated_idempotency_key_appends_nothing_twice():
    store.append("parcel-3", scans("A"), expected_version=0, idempotency_key="scan-77")

    with pytest.raises(DuplicateAppend, match="scan-77"):
        store.append("parcel-3", scans("A"), expected_version=1, idempotency_key="scan-77")

    assert len(store.read_stream("parcel-3")) == 1
    assert store.find_key("scan-77").stream_id == "parcel-3"
    assert store.find_key("scan-78") is None


def test_metadata_records_who_and_why():
    with acting_as("agent:7", correlation_id="corr-1", causation_id="42"):
        (event,) = store.append("parcel-4", scans("A"), expected_version=0)

    stored = store.read_stream("parcel-4")[0]
    assert stored.metadata == {"actor": "agent:7", "correlation_id": "corr-1", "causation_id": "42"}
    assert event.metadata == stored.metadata
    assert stored.occurred_at is not None and stored.recorded_at is not None


# read_all follows committed transactions only (on PostgreSQL it stops below the oldest one
# still running, which would include the test's own), so these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_read_all_pages_through_the_log_in_order():
    for n in range(5):
        store.append(f"parcel-page-{n}", scans("A", "B"), expected_version=0)

    # Page by page, as a follower reads. A page may come back short and be read again: the
    # horizon errs towards waiting when a transaction of another database (another test
    # worker's) ends as the page is read.
    everything: list = []
    deadline = time.monotonic() + 30
    while len(everything) < 10 and time.monotonic() < deadline:
        page = store.read_all(everything[-1].position if everything else 0, limit=4)
        assert len(page) <= 4
        everything += page
        if not page:
            time.sleep(0.05)

    assert len(everything) == 10
    assert [e.position for e in everything] == sorted(e.position for e in everything)
    assert len({e.position for e in everything}) == 10


@pytest.mark.django_db(transaction=True)
def test_read_all_filters_by_type_and_stream():
    store.append("parcel-f1", scans("A"), expected_version=0)
    store.append("parcel-f2", scans("B"), expected_version=0)

    only = store.read_all(0, types=["ParcelScanned"], stream_ids=["parcel-f2"])

    assert [e.stream_id for e in only] == ["parcel-f2"]
    assert store.read_all(0, types=["NoSuchType"]) == []


def test_reading_after_an_unknown_position_is_a_clear_error():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite follows by position alone; no lookup to fail")
    with pytest.raises(store.UnknownPosition, match="no event at position 999999"):
        store.read_all(999999)


# Issue 13.6: the store checks `expected_version` against the stream's head, not only against
# the unique (stream, version) index, which let a writer leave a gap or store version 0.
def test_expecting_a_version_beyond_the_head_is_refused_and_stores_nothing():
    with pytest.raises(ConcurrencyError) as refused:
        store.append("parcel-gap", scans("A"), expected_version=5)

    assert refused.value.stream_id == "parcel-gap"
    assert refused.value.actual_version == 0
    assert store.read_stream("parcel-gap") == []

    store.append("parcel-gap", scans("A"), expected_version=0)
    with pytest.raises(ConcurrencyError) as refused:
        store.append("parcel-gap", scans("B"), expected_version=3)
    assert refused.value.actual_version == 1
    assert [e.version for e in store.read_stream("parcel-gap")] == [1]


def test_a_negative_expected_version_is_refused():
    with pytest.raises(ValueError, match="expected_version"):
        store.append("parcel-neg", scans("A"), expected_version=-1)

    assert store.read_stream("parcel-neg") == []


def test_a_clash_reports_the_version_the_stream_is_at():
    store.append("parcel-at", scans("A", "B"), expected_version=0)

    with pytest.raises(ConcurrencyError) as refused:
        store.append("parcel-at", scans("C"), expected_version=1)

    assert refused.value.actual_version == 2
    assert "at version 2" in str(refused.value)


def test_a_clash_in_a_batch_names_only_the_conflicting_stream():
    store.append("parcel-b2", scans("A"), expected_version=0)

    with pytest.raises(ConcurrencyError) as refused:
        store.append_batch(
            [
                store.Append("parcel-b1", scans("A"), 0),
                store.Append("parcel-b2", scans("B"), 0),
                store.Append("parcel-b3", scans("C"), 0),
            ]
        )

    assert refused.value.stream_id == "parcel-b2"
    assert refused.value.expected_version == 0
    assert refused.value.actual_version == 1
    assert store.read_stream("parcel-b1") == [] and store.read_stream("parcel-b3") == []


def test_a_batch_may_append_several_events_to_one_new_stream():
    store.append_batch(
        [
            store.Append("parcel-multi", scans("A", "B", "C"), 0),
            store.Append("parcel-x", scans("D"), 0),
        ]
    )

    assert [e.version for e in store.read_stream("parcel-multi")] == [1, 2, 3]
