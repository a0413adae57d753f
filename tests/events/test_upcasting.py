"""Old events are upgraded on read: each type carries a schema version, stored with the event,
and registered upcasters turn stored data of every past version into today's fields. The data
is JSON as the log held it (tests/events/stored/v<N>.json), written straight into the table,
so nothing of today's code shapes it on the way in."""

import json
from pathlib import Path

import pytest

from contactcenter import clock
from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.events.types import DomainEvent, EventSchemaError, upcast

STORED = Path(__file__).parent / "stored"


def stored(version: int) -> dict[str, dict]:
    data = json.loads((STORED / f"v{version}.json").read_text())
    data.pop("_comment")
    return data


def upcast_types() -> list[str]:
    return sorted(name for name, cls in DomainEvent.registry.items() if cls.schema_version > 1)


def written(type_name: str, data: dict, schema_version: int) -> store.RecordedEvent:
    """`data` as an old writer left it in the log, read back through the store."""
    stream = f"upcasting-{type_name}-{schema_version}"
    Event.objects.create(
        stream_id=stream,
        version=1,
        type=type_name,
        data=data,
        metadata={"actor": "system"},
        occurred_at=clock.now(),
        schema_version=schema_version,
    )
    (event,) = store.read_stream(stream)
    return event


def test_every_past_version_of_every_type_has_stored_examples():
    for name in upcast_types():
        for version in range(1, DomainEvent.registry[name].schema_version + 1):
            assert name in stored(version), f"tests/events/stored/v{version}.json lacks {name}"


@pytest.mark.django_db
@pytest.mark.parametrize("type_name", upcast_types())
def test_version_1_is_read_with_the_fields_added_since(type_name):
    cls = DomainEvent.registry[type_name]
    old = stored(1)[type_name]

    event = written(type_name, old, schema_version=1)

    assert event.schema_version == cls.schema_version
    assert set(event.data) == {name for name, _ in cls.fields_doc()}
    assert {k: event.data[k] for k in old} == old  # what was there stays as it was
    defaults = cls.from_data(event.data).to_data()
    assert event.payload.to_data() == defaults


@pytest.mark.django_db
def test_what_the_added_fields_default_to():
    queued = written("InteractionQueued", stored(1)["InteractionQueued"], 1).payload
    assert (queued.supervisors_only, queued.overflow_at, queued.sl_threshold_seconds) == (
        False,
        [],
        None,
    )
    closed = written("InteractionClosed", stored(1)["InteractionClosed"], 1).payload
    assert closed.agent_id is None
    presence = written("AgentPresenceChanged", stored(1)["AgentPresenceChanged"], 1).payload
    assert presence.capacity == {}


@pytest.mark.django_db
@pytest.mark.parametrize("type_name", upcast_types())
def test_the_current_version_is_read_as_written(type_name):
    data = stored(2)[type_name]
    event = written(type_name, data, schema_version=2)
    assert event.data == data
    assert event.payload.to_data() == data


@pytest.mark.django_db
def test_appending_stores_the_types_current_version():
    from contactcenter.supervisor.events import InteractionMonitored

    store.append(
        "upcasting-append",
        [InteractionMonitored(interaction_id="i-1", supervisor_id=3, supervisor_name="Sam")],
        0,
    )
    row = Event.objects.get(stream_id="upcasting-append")
    assert row.schema_version == InteractionMonitored.schema_version == 2


def test_a_field_no_upcaster_accounts_for_is_a_clear_error_not_dropped():
    data = {**stored(2)["InteractionClosed"], "closed_by_robot": True}
    with pytest.raises(EventSchemaError, match="unknown fields closed_by_robot"):
        DomainEvent.decode("InteractionClosed", data, 2)


def test_a_missing_field_is_a_clear_error_not_defaulted():
    data = dict(stored(2)["WrapUpStarted"])
    del data["deadline"]
    with pytest.raises(EventSchemaError, match="missing fields deadline"):
        DomainEvent.decode("WrapUpStarted", data, 2)


def test_a_version_without_an_upcaster_or_from_newer_code_is_refused():
    with pytest.raises(EventSchemaError, match="MessageReceived has no upcaster from v0 to v1"):
        upcast("MessageReceived", {}, 0)
    with pytest.raises(EventSchemaError, match="newer than this code"):
        upcast("InteractionClosed", stored(2)["InteractionClosed"], 3)
