"""Issue 13.4: a rebuild arrives at the live rows even when it races live writers, and it
never deadlocks them. Real concurrent connections on PostgreSQL."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from contactcenter.events import projections, store
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import normalise
from routing import router
from tests.events.test_rebuild import follow_every_catch_up_projection, scripted_workload, snapshot
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_thread(target) -> threading.Thread:
    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def json_nulls() -> dict[str, int]:
    """Per JSON column of every projection: rows holding SQL NULL. The ORM reads SQL NULL and
    JSON `null` alike, so a row-by-row comparison cannot tell them apart."""
    from django.db.models import JSONField

    counts = {}
    with connection.cursor() as cursor:
        for projector in projections.all_projectors().values():
            for model in projector.models:
                for field in model._meta.concrete_fields:
                    if isinstance(field, JSONField):
                        table, column = model._meta.db_table, field.column
                        cursor.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL')
                        counts[f"{table}.{column}"] = cursor.fetchone()[0]
    return counts


def test_a_rebuild_writes_sql_null_where_the_live_projection_did():
    scripted_workload()
    follow_every_catch_up_projection()
    live_nulls, live_rows = json_nulls(), snapshot()
    assert live_nulls["kpis_interactionclock.rating"] > 0  # unrated interactions

    call_command("rebuild_projections", verbosity=0)

    assert json_nulls() == live_nulls
    assert snapshot() == live_rows


def test_a_merge_racing_a_new_interaction_rebuilds_to_the_live_state():
    """The new interaction's transaction names the duplicate customer; the merge commits
    while it is open. Before the fix the merge moved every interaction it could see to the
    survivor, not the one still being written: live kept the duplicate, a rebuild (which
    applies the interaction first) moved it."""
    a_queue(entry="webchat:*")
    duplicate, _ = customers.identify(normalise("web", "racing-visitor"))
    survivor, _ = customers.identify(normalise("email", "vera@example.org"))
    appended, merged = threading.Event(), threading.Event()

    def pause_after_the_interaction_is_appended(events) -> None:
        if threading.current_thread().name == "ingest" and any(
            e.type == "InteractionCreated" for e in events
        ):
            appended.set()
            merged.wait(2)  # the merge, if it is not made to wait for us

    store.on_append(pause_after_the_interaction_is_appended)
    try:
        writer = threading.Thread(
            target=lambda: _closing(lambda: ingest(chat_message(visitor="racing-visitor"))),
            name="ingest",
        )
        writer.start()
        assert appended.wait(10)
        merger = in_thread(lambda: (customers.merge(duplicate, survivor), merged.set()))
        writer.join(30)
        merger.join(30)
    finally:
        store._in_transaction.remove(pause_after_the_interaction_is_appended)

    (interaction,) = Interaction.objects.filter(channel="webchat")
    live = interaction.customer_id
    call_command("rebuild_projections", "interactions", verbosity=0)
    assert Interaction.objects.get(pk=interaction.pk).customer_id == live == survivor


def _closing(work) -> None:
    try:
        work()
    finally:
        connection.close()


def test_rebuilding_beside_live_writers_never_deadlocks_and_ends_equal():
    support = a_queue(entry="webchat:*")
    for _ in range(3):
        an_agent(support, capacity_webchat=50)
    stop = threading.Event()
    failures: list[BaseException] = []

    def live_traffic() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                ingest(chat_message(visitor=f"busy-{n % 40}", text=f"message {n}"))
                router.route_once()
            except BaseException as error:
                failures.append(error)

    writers = [in_thread(live_traffic) for _ in range(3)]
    try:
        for _ in range(6):
            call_command("rebuild_projections", "interactions", verbosity=0)
            call_command("rebuild_projections", "agents", verbosity=0)
            call_command("rebuild_projections", "customers", verbosity=0)
    finally:
        stop.set()
        for writer in writers:
            writer.join(60)

    assert failures == []
    follow_every_catch_up_projection()
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live
