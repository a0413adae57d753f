"""A customer who edits or deletes a Slack message: the change is an event, never lost, and
the transcript shows the message as it reads now."""

import pytest

from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction, TranscriptEntry
from tests.slack.payloads import (
    envelope,
    message,
    message_changed,
    message_deleted,
    our_own_message,
    post_event,
)

pytestmark = pytest.mark.django_db


def stream_types(interaction_id: str) -> list[str]:
    return [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_an_edit_is_recorded_with_both_texts_and_the_transcript_reads_the_new_one(client, slack):
    original = message("My order is 1234")
    post_event(client, envelope(original))

    answer = post_event(client, envelope(message_changed(original, "My order is 1243")))

    assert answer.status_code == 200
    interaction = Interaction.objects.get()
    edited = store.read_stream(stream_id(interaction.id))[-1]
    assert edited.type == "CustomerMessageEdited"
    assert (edited.data["text"], edited.data["previous_text"]) == (
        "My order is 1243",
        "My order is 1234",
    )
    assert edited.data["external_id"] == f"D0CAROL/{original['ts']}"
    entry = TranscriptEntry.objects.get(kind="inbound")
    assert entry.text == "My order is 1243" and entry.channel_data["edited_at"]
    assert Interaction.objects.get().version == len(stream_types(interaction.id))


def test_a_deletion_is_recorded_and_the_message_kept_for_the_record(client, slack):
    original = message("Please call me at 555-0100")
    post_event(client, envelope(original))

    post_event(client, envelope(message_deleted(original)))

    interaction = Interaction.objects.get()
    assert stream_types(interaction.id)[-1] == "CustomerMessageDeleted"
    entry = TranscriptEntry.objects.get(kind="inbound")
    assert entry.text == "Please call me at 555-0100" and entry.channel_data["deleted_at"]


def test_a_redelivered_edit_appends_nothing_and_an_unfurl_is_no_edit(client, slack):
    original = message("See https://example.com/order/1234")
    post_event(client, envelope(original))
    edit = envelope(message_changed(original, "See https://example.com/order/1243"))
    post_event(client, edit)
    before = store.count()

    post_event(client, edit, retry=1)
    post_event(client, envelope(message_changed(original, "See https://example.com/order/1243")))

    assert store.count() == before


def test_changes_to_messages_we_never_recorded_or_to_bots_messages_append_nothing(client, slack):
    post_event(client, envelope(message_changed(message("before our time"), "edited")))
    ours = our_own_message("We are on it")
    post_event(client, envelope(message_deleted(ours)))

    assert store.count() == 0
