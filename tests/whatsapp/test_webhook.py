"""The Cloud API webhook: the hub.challenge handshake, X-Hub-Signature-256, and what arrives
(text, media, interactive replies) becoming the customer's messages exactly once."""

import json

import pytest

from contactcenter.events import store
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.models import ContactIdentity, Customer
from tests.whatsapp.payloads import (
    PNID,
    VERIFY,
    button_reply,
    envelope,
    image,
    post,
    text,
)

pytestmark = pytest.mark.django_db


def test_the_subscription_handshake_echoes_the_challenge_only_for_our_verify_token(client, number):
    ok = client.get(
        "/hooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"},
    )
    wrong = client.get(
        "/hooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"},
    )
    bare = client.get("/hooks/whatsapp/")

    assert (ok.status_code, ok.content) == (200, b"1158201444")
    assert wrong.status_code == 403
    assert bare.status_code == 400


def test_a_bad_or_missing_signature_is_403_and_bad_json_is_400_never_500(client, number):
    payload = envelope(messages=[text("hi")])

    assert post(client, payload, secret="not-the-app-secret").status_code == 403
    assert post(client, payload, secret=None).status_code == 403
    assert post(client, None, raw=b"{not json").status_code == 400
    assert post(client, None, raw=b'["a list"]').status_code == 400
    assert (
        post(client, None, raw=b'{"object": "whatsapp_business_account", "entry": 7}').status_code
        == 400
    )
    assert (
        post(client, None, raw=json.dumps({"entry": [7, {"changes": "x"}]}).encode()).status_code
        == 200
    )
    assert store.count() == 0


def test_a_text_becomes_a_whatsapp_interaction_of_the_customer_and_a_redelivery_appends_nothing(
    client, number
):
    payload = envelope(messages=[text("Does it come in another color?")])

    first = post(client, payload)
    events = store.count()
    again = post(client, payload)

    assert first.status_code == again.status_code == 200
    assert store.count() == events
    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.channel_key) == ("whatsapp", PNID)
    assert interaction.state == "queued"
    identity = ContactIdentity.objects.get(kind="phone")
    assert identity.address == "+16505551234"
    assert Customer.objects.get(pk=identity.customer_id).name == "Sheena Nelson"
    (entry,) = TranscriptEntry.objects.filter(kind="inbound")
    assert entry.text == "Does it come in another color?"


def test_messages_for_a_number_that_is_not_ours_are_dropped(client, number):
    assert post(client, envelope(messages=[text("hi")], pnid="999")).status_code == 200
    assert not Interaction.objects.exists()


def test_a_photo_is_kept_as_an_attachment_the_console_fetches_through_us(
    client, number, alice, graph
):
    from routing import offers, router

    post(client, envelope(messages=[image(media_id="1003383421387256")]))
    entry = TranscriptEntry.objects.get(kind="inbound")
    (attachment,) = entry.attachments
    assert entry.text == "The broken part"
    assert attachment["content_type"] == "image/jpeg"

    stranger = client.get(attachment["url"])
    assert stranger.status_code == 302  # to the login page

    router.route_once()
    interaction = Interaction.objects.get()
    offers.accept_offer(interaction.id, interaction.offer_id, alice.pk)
    client.force_login(alice)
    photo = client.get(attachment["url"])

    assert photo.status_code == 200, photo.content
    assert photo["Content-Type"] == "image/jpeg"
    assert photo.content.startswith(b"\xff\xd8")
    media_calls = [c for c in graph.calls if c.method == "GET"]
    assert media_calls[0].path.endswith("/1003383421387256")
    assert media_calls[0].headers["Authorization"] == "Bearer EAAtest"


def test_someone_who_may_not_open_the_conversation_gets_403_for_its_media(client, number):
    from tests.routing.builders import a_queue, an_agent

    post(client, envelope(messages=[image()]))
    (attachment,) = TranscriptEntry.objects.get(kind="inbound").attachments
    client.force_login(an_agent(a_queue("Elsewhere", entry=None), username="bob"))

    assert client.get(attachment["url"]).status_code == 403


def test_a_tapped_reply_button_is_the_answer_with_its_id_as_the_flow_choice(client, number):
    post(client, envelope(messages=[text("hi")]))
    post(client, envelope(messages=[button_reply("2", "Sales")]))

    last = TranscriptEntry.objects.filter(kind="inbound").order_by("position").last()
    assert last.text == "Sales"
    assert last.channel_data["flow_choice"] == "2"
    assert Interaction.objects.count() == 1


MALFORMED = [
    {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": 3}]}],
    },
    {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {"metadata": "x", "messages": [{"from": ["1"], "id": {}}]},
                    }
                ]
            }
        ],
    },
    envelope(messages=[{"from": "16505551234", "id": "wamid.X1", "type": "text", "text": "flat"}]),
    envelope(
        messages=[
            {"from": "16505551234", "id": "wamid.X2", "type": "image", "image": {"id": "../../etc"}}
        ]
    ),
    envelope(
        messages=[{"from": "not a number", "id": "wamid.X3", "type": "text", "text": {"body": "x"}}]
    ),
    envelope(
        messages=[
            {
                "from": "16505551234",
                "id": "wamid.X4",
                "type": "interactive",
                "interactive": {"button_reply": "x"},
            }
        ]
    ),
    envelope(
        statuses=[{"id": ["x"], "status": "read"}, {"id": "wamid.unknown", "status": "delivered"}]
    ),
    {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": {"contacts": [{"profile": "x"}]}}]}],
    },
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_odd_shapes_get_a_200_or_a_400_never_a_500(client, number, payload):
    assert post(client, payload).status_code in (200, 400)
