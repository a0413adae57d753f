"""The Messenger / Instagram webhook: the handshake, X-Hub-Signature-256, the page's own
echoes ignored, and what customers send becoming their messages exactly once."""

import json

import pytest

from contactcenter.events import store
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.models import ContactIdentity
from tests.messenger.payloads import (
    IG_ACCOUNT,
    PAGE,
    PSID,
    VERIFY,
    echo,
    envelope,
    image,
    message,
    post,
)

pytestmark = pytest.mark.django_db


def test_the_subscription_handshake(client, page):
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY,
        "hub.challenge": "CHALLENGE_ACCEPTED",
    }
    ok = client.get("/hooks/messenger/", query)
    wrong = client.get("/hooks/messenger/", {**query, "hub.verify_token": "nope"})

    assert (ok.status_code, ok.content) == (200, b"CHALLENGE_ACCEPTED")
    assert wrong.status_code == 403


def test_a_bad_signature_is_403_and_bad_json_400(client, page):
    assert post(client, envelope(message("hi")), secret="forged").status_code == 403
    assert post(client, envelope(message("hi")), secret=None).status_code == 403
    assert post(client, None, raw=b"\xff\xfe not json").status_code == 400
    assert post(client, None, raw=b"42").status_code == 400
    weird = {"object": "page", "entry": [{"id": PAGE, "messaging": [{"sender": "x"}, 3]}]}
    assert post(client, None, raw=json.dumps(weird).encode()).status_code == 200
    assert store.count() == 0


def test_a_message_becomes_a_messenger_interaction_once_and_echoes_are_ignored(client, page):
    first = envelope(message("Is the store open on Sunday?"))

    assert post(client, first).status_code == 200
    events = store.count()
    post(client, first)  # Meta redelivers
    post(client, envelope(echo("We are open 10-16 on Sundays.")))

    assert store.count() == events
    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.channel_key) == ("messenger", PAGE)
    assert ContactIdentity.objects.get(kind="messenger").address == PSID
    (entry,) = TranscriptEntry.objects.filter(kind="inbound")
    assert entry.text == "Is the store open on Sunday?"


def test_instagram_direct_arrives_on_the_same_channel_for_its_account(client, page):
    post(
        client,
        envelope(
            message("hi from instagram", page=IG_ACCOUNT), page=IG_ACCOUNT, object="instagram"
        ),
    )

    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.channel_key) == ("messenger", IG_ACCOUNT)
    entry = TranscriptEntry.objects.get(kind="inbound")
    assert entry.channel_data["messenger"] == {"platform": "instagram"}


def test_a_photo_is_kept_as_a_linked_attachment(client, page):
    post(client, envelope(image()))

    (attachment,) = TranscriptEntry.objects.get(kind="inbound").attachments
    assert attachment["content_type"] == "image/jpeg"
    assert attachment["url"].startswith("https://scontent.xx.fbcdn.net/")


def test_a_quick_reply_is_the_answer_with_its_payload_as_the_flow_choice(client, page):
    post(client, envelope(message("hi")))
    post(client, envelope(message("Sales", quick_reply="2")))

    last = TranscriptEntry.objects.filter(kind="inbound").order_by("position").last()
    assert (last.text, last.channel_data["flow_choice"]) == ("Sales", "2")


MALFORMED = [
    {
        "object": "page",
        "entry": [{"id": PAGE, "messaging": [{"sender": {"id": PSID}, "message": "hi"}]}],
    },
    {
        "object": "page",
        "entry": [{"id": PAGE, "messaging": [{"sender": {"id": PSID}, "message": {"mid": ["x"]}}]}],
    },
    {
        "object": "page",
        "entry": [
            {"id": PAGE, "messaging": [{"sender": {"id": PSID}, "delivery": {"mids": "m_1"}}]}
        ],
    },
    {
        "object": "page",
        "entry": [
            {"id": PAGE, "messaging": [{"sender": {"id": PSID}, "read": {"watermark": "soon"}}]}
        ],
    },
    {
        "object": "page",
        "entry": [
            {"id": PAGE, "messaging": [{"sender": {"id": PSID}, "postback": {"payload": {}}}]}
        ],
    },
    {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "messaging": [
                    {"sender": {"id": "has spaces"}, "message": {"mid": "m_2", "text": "x"}}
                ],
            }
        ],
    },
    {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "messaging": [
                    {
                        "sender": {"id": PSID},
                        "message": {"mid": "m_3", "attachments": [{"payload": "x"}, 4]},
                    }
                ],
            }
        ],
    },
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_odd_shapes_get_a_200_or_a_400_never_a_500(client, page, payload):
    assert post(client, payload).status_code in (200, 400)
