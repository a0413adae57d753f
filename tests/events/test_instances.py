"""Model instances made by setting their fields (contactcenter/events/instances.py) are the
instances Django's own `from_db` and `__init__` make, and Django makes them wherever it would
do more than set fields."""

import collections

import pytest
from django.apps import apps
from django.db.models import Model
from django.db.models.signals import pre_init

from channels_adapters.voice.models import RecordingPolicy
from contactcenter.events import instances
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from routing.models import Queue, QueueSkill
from tests.factories import chat_message, new_chat


def attributes(obj: Model) -> dict:
    return {name: value for name, value in vars(obj).items() if name != "_state"}


def test_a_row_read_is_the_instance_djangos_from_db_makes_for_every_model():
    for model in apps.get_models():
        attnames = tuple(f.attname for f in model._meta.concrete_fields)
        values = [object() for _ in attnames]

        ours = instances.read(model, attnames, values)
        djangos = model.from_db("default", attnames, values)

        assert type(ours) is model
        assert attributes(ours) == attributes(djangos), model._meta.label
        assert (ours._state.adding, ours._state.db) == (False, "default")


def test_a_new_row_is_the_instance_the_models_constructor_makes_for_every_model():
    for model in apps.get_models():
        given = {model._meta.pk.attname: object()}

        ours = instances.new(model, **given)
        djangos = model(**given)

        assert type(ours) is model
        assert attributes(ours).keys() == attributes(djangos).keys(), model._meta.label
        for field in model._meta.concrete_fields:
            mine, theirs = getattr(ours, field.attname), getattr(djangos, field.attname)
            if callable(field.default):  # a new uuid, a new list, the time now: made anew
                assert type(mine) is type(theirs), (model._meta.label, field.attname)
            else:
                assert mine == theirs, (model._meta.label, field.attname)
        assert (ours._state.adding, ours._state.db) == (True, None)


def test_a_default_made_by_a_callable_is_made_anew_for_each_row():
    first = instances.new(TranscriptEntry, id="m-1")
    second = instances.new(TranscriptEntry, id="m-2")

    assert first.attachments == [] and first.channel_data == {}
    assert first.attachments is not second.attachments


def test_a_model_someone_hears_made_is_made_by_django_and_heard():
    heard = []

    def hear(sender, **kwargs):
        heard.append(sender)

    pre_init.connect(hear, sender=TranscriptEntry)
    try:
        instances.new(TranscriptEntry, id="m-1")
        instances.read(
            TranscriptEntry,
            tuple(f.attname for f in TranscriptEntry._meta.concrete_fields),
            [None] * len(TranscriptEntry._meta.concrete_fields),
        )
        instances.new(Interaction, id="i-1")  # nobody hears this one
    finally:
        pre_init.disconnect(hear, sender=TranscriptEntry)

    assert heard == [TranscriptEntry, TranscriptEntry]


def test_a_related_object_or_an_unknown_name_is_left_to_django():
    queue = Queue(id=7, name="Billing")

    required = instances.new(QueueSkill, queue=queue, skill_id=3)

    assert (required.queue_id, required.skill_id) == (7, 3)
    assert required.queue is queue  # cached, as Django caches it
    with pytest.raises(TypeError, match="unexpected keyword"):
        instances.new(Interaction, id="i-2", no_such_field=1)


def test_a_model_with_a_field_of_its_own_descriptor_is_made_by_django():
    # A file field's descriptor wraps what is set in a FieldFile.
    policy = instances.new(RecordingPolicy, queue_id=7, announcement="voice/consent.wav")

    assert policy.announcement.name == "voice/consent.wav"
    assert type(policy.announcement).__name__ == "FieldFile"


@pytest.mark.django_db
def test_a_visitors_message_makes_and_reads_its_rows_without_model_init(monkeypatch):
    new_chat(visitor="v-1")  # the conversation, its customer and keys: made once
    made = collections.Counter()
    django_init = Model.__init__

    def counted(self, *args, **kwargs):
        made[type(self).__name__] += 1
        django_init(self, *args, **kwargs)

    monkeypatch.setattr(Model, "__init__", counted)
    ingest(chat_message(visitor="v-1", text="and one more thing"))

    assert made["Interaction"] == 0
    assert made["TranscriptEntry"] == 0
    assert made["MessageSentiment"] == 0
    assert made["SearchDocument"] == 0
