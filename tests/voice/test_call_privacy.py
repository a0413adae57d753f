"""A call's personal data under the privacy rules (docs/privacy.md): the caller's number and a
voicemail's transcription are sealed under the customer's key, so erasing the customer leaves
them `erased` in the log, the feed, the call's rows and a rebuild; a card number read into a
voicemail is masked before it is stored."""

import pytest
from django.core.management import call_command
from django.db import connection

from channels_adapters.voice.models import Call
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from contactcenter.privacy.erasure import erase_customer
from tests.events.test_rebuild import follow_every_catch_up_projection, snapshot
from tests.flows.builders import a_flow, at_entry
from tests.twilio_api import ACCOUNT, NUMBER, a_channel
from tests.twilio_hooks import post
from tests.voice.phone import Phone

pytestmark = pytest.mark.django_db(transaction=True)

CALLER = "+15551230002"
SAID = "Hi, my card is 4111 1111 1111 1111, please call me back."


def raw_log() -> str:
    """The log as stored (as the application's role reads it in CI: sealed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {store.TABLE}")
        return " ".join(str(row[0]) for row in cursor.fetchall())


def logged(interaction_id: str, type_: str) -> list[dict]:
    return [e.data for e in store.read_stream(stream_id(interaction_id)) if e.type == type_]


@pytest.fixture
def voicemail(client, api, queues) -> Interaction:
    """A caller left a voicemail reading out a card number; Twilio sent its transcription."""
    flow = a_flow(
        "leave",
        {"leave": {"kind": "voicemail", "text": "Leave a message.", "queue": queues["support"]}},
    )
    at_entry(flow, "voice", queues["support"])
    a_channel(api.url)
    phone = Phone(client, caller=CALLER)
    phone.dial_in()
    phone.leave_message(seconds=12)
    phone.status("completed", duration=20)
    params = {
        "CallSid": phone.call_sid,
        "AccountSid": ACCOUNT,
        "From": CALLER,
        "To": NUMBER,
        "RecordingSid": "RE" + "1" * 32,
        "TranscriptionSid": "TR" + "1" * 32,
        "TranscriptionText": SAID,
        "TranscriptionStatus": "completed",
    }
    assert post(client, "/hooks/twilio/voice/transcription/", params).status_code == 204
    return Interaction.objects.get(channel="voice")


def test_the_callers_number_and_the_transcription_are_sealed_and_card_numbers_masked(voicemail):
    (transcribed,) = logged(voicemail.id, "VoicemailTranscribed")
    assert transcribed["text"] == "Hi, my card is **** **** **** 1111, please call me back."
    (started,) = logged(voicemail.id, "CallStarted")
    assert (started["from_number"], started["to_number"]) == (CALLER, NUMBER)
    stored = raw_log()
    assert "please call me back" not in stored and "4111 1111" not in stored
    assert CALLER not in stored


def test_erasure_leaves_the_callers_number_and_the_transcription_erased(client, voicemail):
    erase_customer(voicemail.customer_id, requested_by="test")

    (transcribed,) = logged(voicemail.id, "VoicemailTranscribed")
    (started,) = logged(voicemail.id, "CallStarted")
    assert transcribed["text"] == "erased"
    assert (started["from_number"], started["to_number"]) == ("erased", NUMBER)
    assert Call.objects.get(interaction_id=voicemail.id).customer_number == "erased"
    follow_every_catch_up_projection()
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live
