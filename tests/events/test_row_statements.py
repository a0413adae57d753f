"""Projection rows read, locked and written by primary key in SQL made once per model
(contactcenter/events/row_statements.py): the rows are the ones the ORM reads and writes, on
PostgreSQL and on SQLite alike."""

import datetime
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save

from contactcenter.events import row_statements
from contactcenter.events.models import ProjectionCheckpoint
from contactcenter.events.projections import Rows
from contactcenter.interactions.models import Interaction, ThreadKey, TranscriptEntry
from tests import statements
from tests.factories import new_chat

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def a_line(key: str, **overrides) -> TranscriptEntry:
    return TranscriptEntry(
        **{
            "id": key,
            "interaction_id": "i-1",
            "position": 7,
            "occurred_at": datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC),
            "kind": TranscriptEntry.Kind.INBOUND,
            "author": "customer",
            "text": "my card was charged twice",
            "attachments": [{"name": "receipt.pdf", "size": 1200}],
            "channel_data": {"topic": "Billing", "nested": {"n": 1}},
            **overrides,
        }
    )


def test_an_interaction_read_and_locked_by_key_is_the_row_the_orm_reads():
    chat = new_chat()
    Interaction.objects.filter(pk=chat.interaction_id).update(
        required_skills=["billing", "spanish"], declined_by=[4, 5]
    )

    row = Rows(lock=True).get(Interaction, chat.interaction_id)

    assert row_statements.Plain.of(Interaction) is not None  # it took the SQL made once
    assert fields(row) == fields(Interaction.objects.get(pk=chat.interaction_id))
    assert row.required_skills == ["billing", "spanish"]  # JSON comes back as Python
    assert row.created_at.tzinfo is not None
    assert not row._state.adding  # a stored row: saving it updates


def test_rows_written_by_key_read_back_through_the_orm_as_they_were_written():
    rows = Rows()
    rows.add(a_line("m-1"))
    rows.add(a_line("m-2", text="and again"))
    rows.flush()
    assert fields(TranscriptEntry.objects.get(pk="m-1")) == fields(a_line("m-1"))

    again = Rows(lock=True)
    line = again.get(TranscriptEntry, "m-2")
    line.channel_data = {**line.channel_data, "edited_at": "2026-12-04T09:31:00Z"}
    line.delivery_status = "read"
    again.changed(line)
    again.flush()

    stored = TranscriptEntry.objects.get(pk="m-2")
    assert stored.channel_data["edited_at"] == "2026-12-04T09:31:00Z"
    assert (stored.delivery_status, stored.text) == ("read", "and again")
    assert fields(TranscriptEntry.objects.get(pk="m-1")) == fields(a_line("m-1"))


def test_a_field_that_sets_itself_on_save_still_does():
    ProjectionCheckpoint.objects.create(name="kpis", position=1)
    before = ProjectionCheckpoint.objects.get(name="kpis").updated_at
    rows = Rows()
    checkpoint = rows.get(ProjectionCheckpoint, "kpis")
    checkpoint.position = 2
    rows.changed(checkpoint)
    rows.flush()

    stored = ProjectionCheckpoint.objects.get(name="kpis")
    assert stored.position == 2
    assert stored.updated_at > before  # auto_now, as save() would


def a_line_gone_from_under_its_reader() -> TranscriptEntry:
    """A line read, then deleted: an update of it affects no row."""
    rows = Rows()
    rows.add(a_line("m-1"))
    rows.flush()
    line = Rows().get(TranscriptEntry, "m-1")
    TranscriptEntry.objects.filter(pk="m-1").delete()
    return line


def test_an_update_of_a_row_that_is_gone_fails_as_the_orms_forced_update_does():
    line = a_line_gone_from_under_its_reader()
    rows = Rows()
    rows.changed(line)
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        rows.flush()


def a_chat_with_lines(*keys: str):
    chat = new_chat()
    rows = Rows()
    for key in keys:
        rows.add(a_line(key))
    rows.flush()
    return chat


def with_subject(rows: Rows, interaction_id: str, subject: str) -> Interaction:
    interaction = rows.get(Interaction, interaction_id)
    interaction.subject = subject
    rows.changed(interaction)
    return interaction


def test_new_and_changed_rows_of_several_tables_go_in_one_statement_on_postgresql():
    """An inline append writes a few rows of a few tables (the transcript's line, the
    interaction's row, a sentiment row, …): on PostgreSQL one statement of data-modifying
    WITH queries, where each had a round trip of its own (issue 18)."""
    chat = a_chat_with_lines("m-1")

    rows = Rows(lock=True)
    with_subject(rows, chat.interaction_id, "charged twice")
    line = rows.get(TranscriptEntry, "m-1")
    line.delivery_status = "read"
    rows.changed(line)
    rows.add(a_line("m-2", text="and again"))
    with statements.recorded() as run:
        rows.flush()

    assert len(run) == (1 if connection.vendor == "postgresql" else 3)
    assert Interaction.objects.get(pk=chat.interaction_id).subject == "charged twice"
    assert TranscriptEntry.objects.get(pk="m-1").delivery_status == "read"
    assert fields(TranscriptEntry.objects.get(pk="m-2")) == fields(a_line("m-2", text="and again"))


def test_rows_deleted_unread_go_in_the_same_statement_as_the_rows_written():
    """An accept writes the interaction's and the agent's rows and deletes the offer's timer:
    the DELETE was a statement of its own before the write's one (issue 18). A key deleted
    unread and added back in the same unit is deleted first, on its own, as before."""
    chat = a_chat_with_lines("m-1", "m-2", "m-3")

    rows = Rows(lock=True)
    interaction = with_subject(rows, chat.interaction_id, "charged twice")
    rows.discard(TranscriptEntry, "m-1")
    rows.discard(TranscriptEntry, "never was")
    rows.add(a_line("m-4"))
    with statements.recorded() as run:
        rows.flush()

    assert len(run) == (1 if connection.vendor == "postgresql" else 3)
    assert Interaction.objects.get(pk=chat.interaction_id).subject == "charged twice"
    assert lines() == ["m-2", "m-3", "m-4"]

    rows = Rows(lock=True)
    rows.discard(TranscriptEntry, "m-2")
    rows.add(a_line("m-2", text="written again"))
    rows.discard(TranscriptEntry, "m-3")
    interaction.subject = "refunded"
    rows.changed(interaction)
    with statements.recorded() as run:
        rows.flush()

    assert len(run) == (2 if connection.vendor == "postgresql" else 3)
    assert TranscriptEntry.objects.get(pk="m-2").text == "written again"
    assert lines() == ["m-2", "m-4"]
    assert Interaction.objects.get(pk=chat.interaction_id).subject == "refunded"


def lines() -> list[str]:
    return sorted(TranscriptEntry.objects.filter(pk__startswith="m-").values_list("pk", flat=True))


def test_a_row_gone_from_under_a_write_of_several_fails_it_all():
    line = a_line_gone_from_under_its_reader()
    rows = Rows()
    rows.changed(line)
    rows.add(a_line("m-2"))
    with pytest.raises(DatabaseError, match="did not affect any rows"), transaction.atomic():
        rows.flush()
    assert not TranscriptEntry.objects.filter(pk="m-2").exists()


def test_a_model_whose_saves_someone_hears_goes_through_the_orm_and_is_heard():
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.pk)

    rows = Rows()
    rows.add(a_line("m-1"))
    rows.flush()
    post_save.connect(listener, sender=TranscriptEntry)
    try:
        assert row_statements.Plain.of(TranscriptEntry) is None
        rows = Rows()
        line = rows.get(TranscriptEntry, "m-1")
        line.text = "edited"
        rows.changed(line)
        rows.flush()
    finally:
        post_save.disconnect(listener, sender=TranscriptEntry)

    assert heard == ["m-1"]
    assert TranscriptEntry.objects.get(pk="m-1").text == "edited"


def test_thousands_of_rows_fit_in_statements_sqlite_takes_too():
    rows = Rows()
    for n in range(1500):
        rows.add(a_line(f"m-{n}"))
    rows.flush()

    again = Rows()
    again.prefetch(TranscriptEntry, [f"m-{n}" for n in range(2000)])

    assert len(again.cached(TranscriptEntry)) == 1500
    assert again.get(TranscriptEntry, "m-1999") is None  # known missing, not asked again


def test_rows_by_key_and_field_values_come_in_key_order():
    from routing.models import AgentState

    now = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)
    AgentState.objects.bulk_create(
        [
            AgentState(agent_id=3, presence="available"),
            AgentState(agent_id=1, presence="available", work={"i-1": {"channel": "webchat"}}),
            AgentState(agent_id=2, presence="away"),
            AgentState(agent_id=4, presence="available", disconnected_since=now),
        ]
    )

    found = row_statements.by_keys(
        AgentState, [4, 3, 2, 1, 9], lock=True, presence="available", disconnected_since=None
    )

    assert [state.agent_id for state in found] == [1, 3]
    assert found[0].work == {"i-1": {"channel": "webchat"}}
    assert row_statements.by_keys(AgentState, []) == []


def test_keys_of_an_integer_field_read_the_same_rows_as_numbers_or_as_text():
    """The router's ids go to the database as they are; anything else through the field."""
    from routing.models import AgentState

    AgentState.objects.bulk_create([AgentState(agent_id=n) for n in (1, 2, 3)])

    as_numbers = row_statements.where(AgentState, names=("agent_id",), agent_id__in=[3, 1])
    as_text = row_statements.where(AgentState, names=("agent_id",), agent_id__in=["3", 1])

    assert sorted(as_numbers) == sorted(as_text) == [(1,), (3,)]


def test_a_few_fields_of_many_rows_are_the_values_the_orm_reads():
    from routing.models import AgentState

    now = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)
    AgentState.objects.bulk_create(
        [
            AgentState(agent_id=n, presence="available", idle_since=now, work={})
            for n in range(1, 301)
        ]
        + [AgentState(agent_id=301, presence="away"), AgentState(agent_id=302)]
    )
    AgentState.objects.filter(agent_id=7).update(
        work={"i-1": {"channel": "webchat", "state": "active"}}, softphone_on=True
    )
    names = ("agent_id", "work", "softphone_on", "idle_since", "last_offer_at")

    found = row_statements.values(
        AgentState,
        list(range(302, 0, -1)),
        names,
        lock=True,
        skip_locked=True,
        presence="available",
        disconnected_since=None,
    )

    by_orm = AgentState.objects.filter(presence="available").order_by("pk")
    assert found == list(by_orm.values_list(*names))  # JSON as Python, times aware, in key order
    assert found[6] == (7, {"i-1": {"channel": "webchat", "state": "active"}}, True, now, None)
    assert row_statements.values(AgentState, [], names) == []


def test_rows_where_a_few_lookups_hold_are_the_rows_the_orms_filter_gives():
    from routing.models import Timer

    at = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)
    Timer.objects.bulk_create(
        [
            Timer(
                key=f"offer_timeout:i-{n}",
                kind="offer_timeout" if n % 3 else "abandon",
                due_at=at + datetime.timedelta(seconds=(n * 7) % 40),
                interaction_id=f"i-{n}",
                data={"offer_id": f"o-{n}"},
            )
            for n in range(40)
        ]
    )
    now = at + datetime.timedelta(seconds=20)
    asked = {"kind": "offer_timeout", "due_at__lte": now}

    found = row_statements.where(Timer, order_by=("-due_at", "key"), limit=9, **asked)
    by_orm = Timer.objects.filter(**asked).order_by("-due_at", "key")[:9]

    assert [fields(t) for t in found] == [fields(t) for t in by_orm]
    assert found[0].data["offer_id"].startswith("o-")  # JSON as Python
    keys = ["offer_timeout:i-3", "offer_timeout:i-4", "offer_timeout:i-99"]
    assert row_statements.where(Timer, names=("key",), key__in=keys, order_by=("key",)) == [
        ("offer_timeout:i-3",),
        ("offer_timeout:i-4",),
    ]
    assert row_statements.where(Timer, key__in=[]) == []
    assert row_statements.where(Timer, names=("key",), interaction_id=None) == []  # IS NULL


def test_rows_deleted_by_key_are_gone_and_a_deletion_someone_hears_is_heard():
    from django.db.models.signals import post_delete

    rows = Rows()
    for n in range(5):
        rows.add(a_line(f"m-{n}"))
    rows.flush()

    row_statements.delete(TranscriptEntry, ["m-0", "m-1", "m-9"])
    assert lines() == ["m-2", "m-3", "m-4"]

    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_delete.connect(listener, sender=TranscriptEntry)
    try:
        rows = Rows()
        rows.prefetch(TranscriptEntry, ["m-2", "m-3"])
        rows.delete(rows.get(TranscriptEntry, "m-2"))
        rows.flush()
    finally:
        post_delete.disconnect(listener, sender=TranscriptEntry)

    assert heard == ["m-2"]
    assert sorted(TranscriptEntry.objects.values_list("pk", flat=True)) == ["m-3", "m-4"]


def test_a_lookup_where_does_not_take_is_a_clear_error_not_a_wrong_read():
    from routing.models import Timer

    with pytest.raises(ValueError, match="not due_at__isnull"):
        row_statements.where(Timer, due_at__isnull=True)


def test_remembered_rows_are_read_whole_again_only_once_written_since():
    """A reader of the same rows over and over (the router's claim of the available agents)
    reads on PostgreSQL only their keys and row versions while they stay as read."""
    rows = Rows()
    for n in range(3):
        rows.add(a_line(f"m-{n}", channel_data={"n": n}))
    rows.flush()
    names = ("id", "text", "channel_data")
    remembered = row_statements.Remembered(TranscriptEntry, names)
    keys = ["m-0", "m-1", "m-2", "m-9"]
    as_stored = row_statements.values(TranscriptEntry, keys, names)

    with statements.recorded() as first:
        assert remembered.values(keys) == as_stored
    with statements.recorded() as unchanged:
        assert remembered.values(keys, lock=True) == as_stored
    # Written twice by one transaction (the test's): two versions, though one xmin.
    TranscriptEntry.objects.filter(pk="m-1").update(text="edited")
    assert remembered.values(keys)[1] == ("m-1", "edited", {"n": 1})
    TranscriptEntry.objects.filter(pk="m-1").update(channel_data={"n": 10})
    with statements.recorded() as after_a_write:
        read = remembered.values(keys, lock=True, kind=TranscriptEntry.Kind.INBOUND)

    assert read == row_statements.values(TranscriptEntry, keys, names)
    assert read[1] == ("m-1", "edited", {"n": 10})
    postgresql = connection.vendor == "postgresql"
    assert (len(first), len(unchanged), len(after_a_write)) == (
        (2, 1, 2) if postgresql else (1, 1, 1)
    )
    assert "FOR UPDATE" in unchanged[0] or not postgresql


def test_remembered_rows_held_as_models_are_copies_of_what_is_remembered():
    """The router hands the rows of the agents it offers work to the offers' projection as
    its claim read them (not read again); what the projection does to one, its work changed
    in place, must leave what the claim remembers as read, for the round may be undone."""
    from routing.models import AgentState

    AgentState.objects.create(agent_id=7, presence="available", work={"chat": ["i-1"]})
    names = tuple(f.attname for f in AgentState._meta.concrete_fields)  # the key first
    remembered = row_statements.Remembered(AgentState, names)
    read = remembered.values([7], lock=True)

    held = remembered.instances(read)[7]

    stored = AgentState.objects.get(pk=7)
    assert not held._state.adding
    assert {f.attname: getattr(held, f.attname) for f in AgentState._meta.concrete_fields} == {
        f.attname: getattr(stored, f.attname) for f in AgentState._meta.concrete_fields
    }
    held.work["chat"].append("i-2")
    assert remembered.values([7])[0][names.index("work")] == {"chat": ["i-1"]}
    with pytest.raises(ValueError, match="without"):
        row_statements.Remembered(AgentState, ("agent_id", "work")).instances(read)


def test_a_thread_key_and_the_conversation_it_leads_to_are_read_in_one_statement():
    chat = new_chat(visitor="v-referenced")
    key = ThreadKey.make("webchat", "demo", "v-referenced")
    ThreadKey.objects.create(key="webchat:demo:v-dangling", interaction_id="gone")

    with statements.recorded() as run:
        thread, row = row_statements.referenced(ThreadKey, key, "interaction_id", Interaction)
        dangling = row_statements.referenced(
            ThreadKey, "webchat:demo:v-dangling", "interaction_id", Interaction
        )
        missing = row_statements.referenced(ThreadKey, "nobody", "interaction_id", Interaction)

    assert len(run) == 3
    assert fields(thread) == fields(ThreadKey.objects.get(pk=key))
    assert fields(row) == fields(Interaction.objects.get(pk=chat.interaction_id))
    assert dangling[0].interaction_id == "gone" and dangling[1] is None
    assert missing == (None, None)


def test_rows_keyed_as_the_conversation_come_in_the_same_statement_or_none_if_missing():
    from contactcenter.knowledge.models import ConversationSentiment

    chat = new_chat(visitor="v-alongside")
    key = ThreadKey.make("webchat", "demo", "v-alongside")
    ConversationSentiment.objects.filter(interaction_id=chat.interaction_id).delete()
    quiet = new_chat(visitor="v-quiet")  # its mood gone, as for a conversation of files only
    ConversationSentiment.objects.filter(interaction_id=quiet.interaction_id).delete()
    chat = new_chat(visitor="v-alongside", text="This is terrible, nothing works")

    with statements.recorded() as run:
        thread, row, read = row_statements.referenced_with(
            ThreadKey, key, "interaction_id", Interaction, [ConversationSentiment]
        )
        _, _, none_read = row_statements.referenced_with(
            ThreadKey,
            ThreadKey.make("webchat", "demo", "v-quiet"),
            "interaction_id",
            Interaction,
            [ConversationSentiment],
        )

    assert len(run) == 2
    assert thread.interaction_id == chat.interaction_id
    assert fields(row) == fields(Interaction.objects.get(pk=chat.interaction_id))
    mood = read[ConversationSentiment]
    assert fields(mood) == fields(ConversationSentiment.objects.get(pk=chat.interaction_id))
    assert mood.messages == 1 and mood.last < 0
    assert none_read == {ConversationSentiment: None}


def samples() -> dict:
    """Values of each type a field may send as it is."""
    return {
        str: ["", "my card was charged twice", "naïve, with a\nnewline and 'quotes'"],
        int: [0, -5, 7, 2**40],
        float: [0.0, -1.5, 3.25],
        bool: [True, False],
        uuid.UUID: [uuid.UUID(int=0), uuid.uuid4()],
        datetime.date: [datetime.date(2026, 12, 6)],
        row_statements.AWARE: [
            datetime.datetime(2026, 12, 6, 5, 30, 0, 123456, tzinfo=datetime.UTC),
            datetime.datetime(
                2026,
                12,
                6,
                11,
                0,
                tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
            ),
        ],
    }


# Values of another type than the one a field sends as it is: Django's own methods take them.
OTHERS = [1, "7", True, 2.5, datetime.datetime(2026, 12, 6, 5, 30), datetime.date(2026, 1, 2)]


def written(value):
    """A parameter as it is compared: psycopg's wrappers (JSON, bytes) by what they wrap."""
    return getattr(value, "obj", value) if type(value).__module__.startswith("psycopg") else value


def plain_models():
    from django.apps import apps

    return [m for m in apps.get_models() if row_statements.Plain.of(m) is not None]


@pytest.mark.postgres
def test_a_value_a_field_sends_as_it_is_is_what_djangos_own_methods_send(recwarn):
    """Every plain model's every field: the value written is the one the field's `pre_save`
    and `get_db_prep_save` give, whether it went through them or, being of the type the field
    sends unchanged, around them (issue 18)."""
    compared = 0
    for model in plain_models():
        for field, kind, wrap in row_statements.Plain.of(model).fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue  # its pre_save stamps the time: Django's either way
            values = [None, *samples().get(kind, []), *OTHERS]
            for value in values:
                obj = model()
                setattr(obj, field.attname, value)
                for add in (True, False):
                    try:
                        django = field.get_db_prep_save(field.pre_save(obj, add), connection)
                    except Exception:
                        continue  # a value the field refuses: not written either way
                    ours = row_statements._to_write(field, kind, wrap, obj, add, connection)
                    assert type(ours) is type(django), (model, field.name, value)
                    assert written(ours) == written(django), (model, field.name, value)
                    compared += 1
    assert compared > 1000
    kinds = {
        kind for model in plain_models() for _, kind, _ in row_statements.Plain.of(model).fields
    }
    assert {str, int, bool, datetime.date, row_statements.AWARE} <= kinds  # the fast path is taken


@pytest.mark.postgres
def test_an_interaction_written_by_key_asks_django_to_prepare_only_what_is_not_sent_as_it_is(
    monkeypatch,
):
    from django.db.models import Field

    chat = new_chat()
    row = Rows(lock=True).get(Interaction, chat.interaction_id)
    prepared = []
    original = Field.get_db_prep_save

    def counted(self, value, connection):
        prepared.append(self.name)
        return original(self, value, connection)

    monkeypatch.setattr(Field, "get_db_prep_save", counted)
    with transaction.atomic():
        row.priority = 3
        row_statements.update(row_statements.Plain.of(Interaction), [row])

    json_fields = [
        f.name for f in Interaction._meta.concrete_fields if f.get_internal_type() == "JSONField"
    ]
    assert sorted(set(prepared)) == sorted({*json_fields, "id"})
    assert Interaction.objects.get(pk=chat.interaction_id).priority == 3


def the_update_of(table: str, run: list[str]) -> str:
    [update] = [
        part for sql in run for part in sql.split(" AS (") if part.startswith(f'UPDATE "{table}"')
    ]
    return update


@pytest.mark.postgres
def test_a_row_read_here_is_written_back_with_only_the_columns_that_changed():
    """A message changes four of the interaction row's forty columns; preparing the other
    values at every write was a tenth of the message's (issue 18). A column someone else
    wrote meanwhile is theirs, as it is not this write's."""
    chat = new_chat()
    with transaction.atomic():
        rows = Rows(lock=True)
        row = rows.get(Interaction, chat.interaction_id)
        Interaction.objects.filter(pk=chat.interaction_id).update(subject="written meanwhile")
        row.priority = 3
        rows.changed(row)
        rows.add(a_line("m-1", interaction_id=chat.interaction_id))
        with statements.recorded() as run:
            rows.flush()

    sets = the_update_of("interactions_interaction", run).split(" SET ")[1].split(" WHERE ")[0]
    json_columns = {
        f.column for f in Interaction._meta.concrete_fields if f.get_internal_type() == "JSONField"
    }
    assert {column.split(" = ")[0].strip('"') for column in sets.split(", ")} == {
        "priority",
        *json_columns,  # changed in place or not, JSON is written
    }
    stored = Interaction.objects.get(pk=chat.interaction_id)
    assert (stored.priority, stored.subject) == (3, "written meanwhile")
    assert TranscriptEntry.objects.filter(pk="m-1").exists()


@pytest.mark.postgres
def test_a_row_written_twice_in_a_transaction_ends_as_last_written():
    """Once written, the row is no longer as it was read: a value set back to what was read
    is written too."""
    chat = new_chat()
    plain = row_statements.Plain.of(Interaction)
    with transaction.atomic():
        row = Rows(lock=True).get(Interaction, chat.interaction_id)
        read_priority = row.priority
        row.priority = read_priority + 5
        row_statements.update(plain, [row])
        row.priority = read_priority
        row.required_skills["billing"] = 3  # in place
        row_statements.update(plain, [row])

    stored = Interaction.objects.get(pk=chat.interaction_id)
    assert stored.priority == read_priority
    assert stored.required_skills == {"billing": 3}


@pytest.mark.postgres
def test_rows_the_router_holds_from_memory_are_written_back_with_only_what_changed():
    from routing.models import AgentState

    AgentState.objects.bulk_create([AgentState(agent_id=n, presence="available") for n in (1, 2)])
    names = tuple(f.attname for f in AgentState._meta.concrete_fields)
    remembered = row_statements.Remembered(AgentState, names)
    with transaction.atomic():
        [first, second] = remembered.instances(remembered.values([1, 2], lock=True)).values()
        first.presence, second.presence = "offline", "away"
        with statements.recorded() as run:
            row_statements.update(row_statements.Plain.of(AgentState), [first, second])

    [update] = {sql for sql in run if sql.startswith("UPDATE")}
    assert update.split(" SET ")[1].split(" WHERE ")[0] == '"presence" = %s, "work" = %s'
    assert dict(AgentState.objects.values_list("agent_id", "presence")) == {
        1: "offline",
        2: "away",
    }


@pytest.mark.postgres
def test_two_hundred_integer_keys_go_to_postgresql_as_one_array_text_not_a_list_to_size(
    monkeypatch,
):
    """The router's claim names a couple of hundred agents at every round; psycopg sized and
    dumped a list of them element by element in Python, 130-160 µs a statement (issue 18).
    The rows read are the ORM's, at the ends of the column's range too."""
    import psycopg

    from routing.models import AgentState

    keys = [*range(1, 199), 2**31 - 1, -(2**31)]
    AgentState.objects.bulk_create([AgentState(agent_id=n) for n in keys])
    orms = sorted(AgentState.objects.filter(agent_id__in=keys).values_list("agent_id", flat=True))
    sent = []
    execute = psycopg.Cursor.execute

    def recorded(self, query, params=None, *args, **kwargs):
        sent.append(params)
        return execute(self, query, params, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recorded)
    found = row_statements.where(AgentState, names=("agent_id",), agent_id__in=keys[::-1])

    assert sorted(key for (key,) in found) == orms
    assert len(found) == 200
    assert [type(p) for params in sent if params for p in params] == [str]


@pytest.mark.postgres
def test_reads_by_key_take_the_connections_own_cursor_not_a_new_one_each(monkeypatch):
    """Django's cursor for each read (its checks and wrapper, a psycopg cursor with its
    adapters and a cold cache of them) was 2 % of the servers' CPU at 20 chats/s (issue 18)."""
    import psycopg

    from routing.models import AgentState

    AgentState.objects.bulk_create([AgentState(agent_id=n) for n in (1, 2, 3)])
    row_statements.where(AgentState, names=("agent_id",), agent_id__in=[1])  # its first
    made = []
    init = psycopg.Cursor.__init__

    def counted(self, *args, **kwargs):
        made.append(type(self).__name__)
        init(self, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "__init__", counted)
    for n in (1, 2, 3):
        assert row_statements.where(AgentState, names=("agent_id",), agent_id__in=[n]) == [(n,)]
    assert made == []


@pytest.mark.postgres
def test_a_read_by_key_fails_as_djangos_reads_fail():
    """In a transaction that failed, and on the database's refusal: Django's errors."""
    from django.db import DataError
    from django.db.transaction import TransactionManagementError

    from routing.models import AgentState

    with transaction.atomic():
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(savepoint=False),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT 1/0")
        with pytest.raises(TransactionManagementError):  # not sent: Django's refusal
            row_statements.where(AgentState, names=("agent_id",), agent_id__in=[1])
    with pytest.raises(DataError), transaction.atomic():  # a key out of bigint's range
        row_statements.where(AgentState, names=("agent_id",), agent_id__in=[2**70])
    assert row_statements.where(AgentState, names=("agent_id",), agent_id__in=[1]) == []


def test_a_read_by_key_hashes_none_of_the_models_fields(monkeypatch):
    """Each read looks up how its columns' values are converted, by its columns. Compared by
    value, that lookup hashed every Django field read, 4 µs a read of an interaction: about
    0.5 % of the servers' CPU at 20 chats/s (issue 18)."""
    from django.db.models import Field

    chat = new_chat()
    Rows().get(Interaction, chat.interaction_id)  # its first: the columns and converters made
    hashed = []
    field_hash = Field.__hash__

    def counted(self):
        hashed.append(self.attname)
        return field_hash(self)

    monkeypatch.setattr(Field, "__hash__", counted)
    row = Rows().get(Interaction, chat.interaction_id)
    assert row.pk == chat.interaction_id
    assert hashed == []
