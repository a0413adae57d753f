"""Retention: message text and attachments of a channel past their policy's days are purged
(their bucket keys destroyed), one RetentionPurged per purge; the rest stays readable, a
rebuild gives the same rows, and the KPIs do not move."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions.ingest import Attachment, ingest
from contactcenter.interactions.models import TranscriptEntry
from contactcenter.privacy.models import RetentionPolicy
from contactcenter.privacy.retention import STREAM, purge_due
from contactcenter.workers import registry
from tests.events.test_rebuild import follow_every_catch_up_projection, snapshot
from tests.factories import chat_message, email_message

pytestmark = pytest.mark.django_db(transaction=True)


def texts(interaction_id: str) -> list[str]:
    return list(
        TranscriptEntry.objects.filter(interaction_id=interaction_id).values_list("text", flat=True)
    )


def test_old_chat_text_is_purged_and_the_rest_kept():
    RetentionPolicy.objects.create(channel="webchat", kind="message_text", keep_days=30)
    with clock.travel(timedelta(days=-40)):
        old_chat = ingest(chat_message(visitor="v-old", text="an old secret"))
        old_mail = ingest(email_message(text="an old mail"))
    new_chat = ingest(chat_message(visitor="v-new", text="a fresh question"))
    follow_every_catch_up_projection()
    kpis = {k: v for k, v in snapshot().items() if k.startswith("kpis.")}

    (purge,) = purge_due()

    assert (purge.channel, purge.kind, purge.keys) == ("webchat", "message_text", 1)
    assert texts(old_chat.interaction_id) == ["erased"]
    assert texts(old_mail.interaction_id) == ["an old mail"]
    assert texts(new_chat.interaction_id) == ["a fresh question"]
    (event,) = store.read_stream(STREAM)
    assert event.type == "RetentionPurged" and event.data["keys"] == 1
    feed = [e.data for e in store.read_all(horizon=False) if e.type == "MessageReceived"]
    assert {d["text"] for d in feed} == {"erased", "an old mail", "a fresh question"}
    assert purge_due() == []  # nothing left to purge: no second event

    follow_every_catch_up_projection()
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live
    assert {k: v for k, v in live.items() if k.startswith("kpis.")} == kpis


def test_old_attachments_are_purged_with_their_files_and_the_text_kept():
    RetentionPolicy.objects.create(channel="", kind="attachments", keep_days=7)
    key = default_storage.save("privacy-test/old.txt", ContentFile(b"old file"))
    with clock.travel(timedelta(days=-8)):
        old = ingest(
            email_message(
                text="see attached", attachments=(Attachment("old.txt", "text/plain", 8, key),)
            )
        )

    (purge,) = purge_due()

    entry = TranscriptEntry.objects.get(interaction_id=old.interaction_id)
    assert (entry.text, entry.attachments) == ("see attached", [])
    assert purge.kind == "attachments" and not default_storage.exists(key)
    follow_every_catch_up_projection()
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live


def test_the_retention_loop_is_registered():
    assert "retention" in {worker.name for worker in registry.registered()}
