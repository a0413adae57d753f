"""Customers write to our Slack app: each Slack user is a customer, each thread an
interaction; retries, bots and duplicates append nothing."""

import pytest
from django.core.files.storage import default_storage

from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.models import ContactIdentity
from tests.slack.payloads import (
    TEAM,
    app_mention,
    bot_message,
    envelope,
    file_share,
    message,
    our_own_message,
    post_event,
)

pytestmark = pytest.mark.django_db


def received(interaction_id: str) -> list[dict]:
    return [
        e.data for e in store.read_stream(stream_id(interaction_id)) if e.type == "MessageReceived"
    ]


def only_interaction() -> Interaction:
    (interaction,) = Interaction.objects.all()
    return interaction


def test_a_direct_message_starts_an_interaction_for_the_slack_user_in_the_teams_queue(
    client, slack, support
):
    first = message("Hi, my invoice is wrong", user_profile={"display_name": "Carol C"})

    answer = post_event(client, envelope(first))

    assert answer.status_code == 200
    interaction = only_interaction()
    assert (interaction.channel, interaction.channel_key, interaction.state) == (
        "slack",
        TEAM,
        "queued",
    )
    assert interaction.queue_id == support.pk
    assert interaction.threading_key == f"{TEAM}:D0CAROL:{first['ts']}"
    identity = ContactIdentity.objects.get(customer_id=interaction.customer_id)
    assert (identity.kind, identity.address, identity.display_name) == (
        "slack",
        f"{TEAM}:U0CAROL",
        "Carol C",
    )
    (msg,) = received(interaction.id)
    assert msg["text"] == "Hi, my invoice is wrong"
    assert msg["external_id"] == f"D0CAROL/{first['ts']}"
    assert msg["channel_data"]["event_id"].startswith("Ev")


def test_a_reply_in_the_thread_joins_the_same_interaction(client, slack):
    first = message("My invoice is wrong")
    post_event(client, envelope(first))

    post_event(client, envelope(message("It says 300 EUR", thread_ts=first["ts"])))

    interaction = only_interaction()
    assert [m["text"] for m in received(interaction.id)] == [
        "My invoice is wrong",
        "It says 300 EUR",
    ]


def test_more_top_level_messages_in_the_dm_join_the_live_interaction(client, slack):
    post_event(client, envelope(message("Hello?")))
    post_event(client, envelope(message("Anyone there?")))

    assert [m["text"] for m in received(only_interaction().id)] == ["Hello?", "Anyone there?"]


def test_each_top_level_post_in_a_shared_channel_is_its_own_conversation(client, slack):
    post_event(
        client, envelope(message("Export is broken", channel="C0SHARED", channel_type="channel"))
    )
    post_event(client, envelope(message("And SSO too", channel="C0SHARED", channel_type="channel")))

    assert Interaction.objects.count() == 2


def test_a_retry_and_a_repeated_event_id_append_nothing(client, slack):
    body = envelope(message("Once only"))
    post_event(client, body)
    before = store.count()

    retry = post_event(client, body, retry=1)
    again = post_event(client, body)

    assert (retry.status_code, again.status_code) == (200, 200)
    assert store.count() == before


def test_an_app_mention_and_its_message_event_record_the_message_once(client, slack):
    ts = "1700000100.000100"
    post_event(client, envelope(app_mention("<@U0OURBOT> is the API down?", ts=ts)))
    post_event(
        client,
        envelope(
            message(
                "<@U0OURBOT> is the API down?",
                user="U0DAVE",
                channel="C0SHARED",
                channel_type="channel",
                ts=ts,
            )
        ),
    )

    (msg,) = received(only_interaction().id)
    assert msg["text"] == "is the API down?"  # our own bot's mention is not what they said


def test_bot_messages_ours_and_others_are_ignored_so_nothing_loops(client, slack):
    first = message("Help")
    post_event(client, envelope(first))
    before = store.count()

    post_event(client, envelope(bot_message()))
    post_event(client, envelope(our_own_message("We are on it", thread_ts=first["ts"])))

    assert store.count() == before


INVOICE = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INVOICE_PATH = "/files-pri/T0CUSTOMR-F0INVOICE/invoice-2291.pdf"


def test_a_shared_file_is_copied_from_slack_with_the_bots_token(client, slack, fake):
    fake.files[INVOICE_PATH] = INVOICE

    post_event(client, envelope(file_share("Here is the invoice", files_base=fake.files_base)))

    (msg,) = received(only_interaction().id)
    (attachment,) = msg["attachments"]
    assert (attachment["name"], attachment["content_type"], attachment["size"]) == (
        "invoice-2291.pdf",
        "application/pdf",
        len(INVOICE),
    )
    assert attachment["url"] == "/attachments/" + attachment["storage_key"]
    with default_storage.open(attachment["storage_key"], "rb") as stored:
        assert stored.read() == INVOICE
    assert fake.file_requests == [(INVOICE_PATH, "Bearer xoxb-test-token")]
    assert msg["channel_data"]["files"][0]["permalink"].endswith("invoice-2291.pdf")
    entry = TranscriptEntry.objects.get(kind="inbound")
    assert entry.attachments == [attachment]


def test_a_file_slack_will_not_hand_over_stays_a_link_to_slack(client, slack, fake):
    post_event(client, envelope(file_share("Here is the invoice", files_base=fake.files_base)))

    (msg,) = received(only_interaction().id)
    assert msg["attachments"] == [
        {
            "name": "invoice-2291.pdf",
            "content_type": "application/pdf",
            "size": 48213,
            "url": fake.files_base + INVOICE_PATH,
        }
    ]


def test_a_retried_event_copies_its_file_once(client, slack, fake):
    fake.files[INVOICE_PATH] = INVOICE
    event = envelope(file_share("Here is the invoice", files_base=fake.files_base))

    post_event(client, event)
    post_event(client, event)

    assert len(fake.file_requests) == 1
    assert TranscriptEntry.objects.filter(kind="inbound").count() == 1


def test_slack_markup_reaches_agents_as_plain_text(client, slack):
    post_event(
        client,
        envelope(message("See <https://status.example.com|status> &amp; <@U0BOB> says &lt;3")),
    )

    (msg,) = received(only_interaction().id)
    assert msg["text"] == "See status (https://status.example.com) & @U0BOB says <3"


def test_a_slack_connect_user_is_known_by_their_own_workspace(client, slack):
    shared = message(
        "Hello from the partner side",
        user="U0PARTNER",
        channel="C0SHARED",
        channel_type="channel",
        user_team="T0PARTNER",
    )

    post_event(client, envelope(shared))

    identity = ContactIdentity.objects.get()
    assert identity.address == "T0PARTNER:U0PARTNER"


def test_housekeeping_events_are_acknowledged_and_ignored(client, slack):
    join = message("", subtype="channel_join", channel="C0SHARED", channel_type="channel")
    reaction = {"type": "reaction_added", "user": "U0CAROL", "reaction": "thumbsup"}

    answers = [post_event(client, envelope(e)).status_code for e in (join, reaction)]

    assert answers == [200, 200]
    assert not Event.objects.exists()
