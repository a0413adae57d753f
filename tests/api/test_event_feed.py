"""The event feed follows the log in its gap-free order, filters by type and stream, and
long-polls: a reader waiting for news gets it as soon as it commits."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from contactcenter.api import feed_wakeups
from contactcenter.events import store
from tests.api.conftest import chat_on, client_for
from tests.factories import new_chat
from tests.settle import settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reader(sam):
    return client_for(sam)


def follow(reader, **params) -> list[dict]:
    settle()
    events, after = [], 0
    while True:
        page = reader.get("/api/v1/events/", {"after": after, **params}).json()
        events += page["events"]
        after = page["next_after"]
        if not page["has_more"]:
            return events


def test_following_the_feed_page_by_page_yields_the_whole_log_once(reader, sam):
    for n in range(4):
        chat_on("support-site", f"chat {n}")

    events = follow(reader, limit=3)

    settle()
    everything = [e.position for e in store.read_all(0, 10_000)]
    assert [e["position"] for e in events] == everything
    assert len(everything) > 3


def test_filters_by_type_and_by_stream(reader, sam):
    first = chat_on("support-site", "one")
    chat_on("support-site", "two")

    received = follow(reader, type="MessageReceived")
    one_stream = follow(reader, stream=f"interaction-{first}")

    assert [e["data"]["text"] for e in received] == ["one", "two"]
    assert {e["stream_id"] for e in one_stream} == {f"interaction-{first}"}
    assert [e["version"] for e in one_stream] == list(range(1, len(one_stream) + 1))


def test_an_after_that_is_no_position_or_a_bad_limit_is_a_400(reader, sam):
    chat_on("support-site")

    unknown = reader.get("/api/v1/events/", {"after": 10**9})
    too_many = reader.get("/api/v1/events/", {"limit": 5000})

    if connection.vendor == "postgresql":  # SQLite follows by position alone
        assert unknown.status_code == 400 and "no event at position" in unknown.json()["detail"]
    assert too_many.status_code == 400 and "limit" in too_many.json()["errors"]


def test_a_long_poll_returns_the_event_committed_while_it_waits(reader, sam):
    chat_on("support-site")
    settle()
    after = store.last_position()
    later = threading.Timer(0.3, lambda: (new_chat(text="while you waited"), connection.close()))
    later.start()

    page = reader.get("/api/v1/events/", {"after": after, "wait": 20, "type": "MessageReceived"})
    later.join()

    assert [e["data"]["text"] for e in page.json()["events"]] == ["while you waited"]


def test_a_long_poll_with_nothing_new_answers_empty_with_the_same_cursor(reader, sam):
    chat_on("support-site")
    settle()
    after = store.last_position()

    page = reader.get("/api/v1/events/", {"after": after, "wait": 0.2}).json()

    assert page == {"events": [], "next_after": after, "has_more": False}


@pytest.mark.postgres
def test_a_notification_from_another_process_wakes_long_polls(sam):
    seen = feed_wakeups.generation()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    woke = threading.Thread(target=lambda: feed_wakeups.wait(seen, 20))
    woke.start()
    time.sleep(0.5)  # the listener thread connects
    with psycopg.connect(**params, autocommit=True) as other_process:
        for _ in range(50):
            other_process.execute("SELECT pg_notify('event_feed', '')")
            if feed_wakeups.generation() != seen:
                break
            time.sleep(0.1)
    woke.join(timeout=20)

    assert feed_wakeups.generation() != seen


@pytest.mark.postgres
@pytest.mark.parametrize("notify", [True, False])
def test_with_event_feed_notify_each_append_tells_other_processes_at_its_commit(settings, notify):
    """EVENT_FEED_NOTIFY=1: the append's INSERT asks PostgreSQL to notify `event_feed` at
    its commit (store.notify_at_commit); off, nothing is told, and readers look again."""
    settings.EVENT_FEED_NOTIFY = notify
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other_process:
        other_process.execute("LISTEN event_feed")
        new_chat()
        told = [n.channel for n in other_process.notifies(timeout=2, stop_after=1)]

    assert told == (["event_feed"] if notify else [])
