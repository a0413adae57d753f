"""Every TwiML document we return parses as XML and uses only verbs, nouns and attributes
Twilio documents (tests/voice/twiml_rules.py); the scripted calls check each response they
get the same way. Here: every builder, with every option."""

import pytest

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import twiml
from tests.voice.twiml_rules import check_twiml

CHANNEL = TwilioChannel(phone_number="+15005550006", callback_key="*")
URLS = {
    "answer_url": "https://cc.example.com/hooks/twilio/voice/?turn=2",
    "no_input_url": "https://cc.example.com/hooks/twilio/voice/?turn=2&silence=1",
    "recording_url": "https://cc.example.com/hooks/twilio/voice/recording/?turn=2",
    "transcription_url": "https://cc.example.com/hooks/twilio/voice/transcription/",
}
MENU = twiml.Prompt(
    "Billing or sales?",
    [{"value": "1", "label": "Billing"}, {"value": "2", "label": "Sales"}],
    "choice",
)


@pytest.mark.parametrize(
    "document",
    [
        twiml.flow_turn(CHANNEL, [twiml.Prompt("Welcome <to> R&D"), MENU], **URLS),
        twiml.flow_turn(CHANNEL, [twiml.Prompt("Account number?", input="text")], **URLS),
        twiml.flow_turn(CHANNEL, [twiml.Prompt("Leave a message.", input="message")], **URLS),
        twiml.waiting(
            CHANNEL,
            said=["Connecting you."],
            position=3,
            expected_wait_seconds=200,
            wait_url="https://cc.example.com/hooks/twilio/voice/wait/",
            key_url="https://cc.example.com/hooks/twilio/voice/key/",
        ),
        twiml.waiting(
            TwilioChannel(callback_key=""),
            said=[],
            position=1,
            expected_wait_seconds=None,
            wait_url="/w",
            key_url="/k",
        ),
        twiml.connect(CHANNEL, "+15557770001", dial_url="/d"),
        twiml.connect(CHANNEL, "sip:agent@pbx.example.com", dial_url="/d"),
        twiml.connect(CHANNEL, "client:alice", dial_url="/d"),
        twiml.hold(CHANNEL),
        twiml.goodbye(CHANNEL, ["See you"], twiml.GOODBYE),
    ],
    ids=[
        "menu",
        "collect",
        "voicemail",
        "waiting",
        "waiting without callbacks",
        "bridge to a number",
        "bridge to SIP",
        "bridge to a client",
        "hold",
        "goodbye",
    ],
)
def test_every_document_is_documented_twiml(document):
    check_twiml(str(document))


def test_texts_are_escaped_not_markup():
    root = check_twiml(
        str(twiml.flow_turn(CHANNEL, [twiml.Prompt("Welcome <to> R&D"), MENU], **URLS))
    )
    assert root.find("Say").text == "Welcome <to> R&D"


def test_the_callback_key_is_said_by_name():
    document = twiml.waiting(
        CHANNEL, said=[], position=2, expected_wait_seconds=30, wait_url="/w", key_url="/k"
    )
    texts = [say.text for say in check_twiml(str(document)).iter("Say")]
    assert texts == [
        "You are number 2 in line. The expected wait is less than a minute.",
        "To hang up and keep your place in line, press star. We will call you back.",
    ]


def test_the_rules_catch_what_twilio_does_not_document():
    with pytest.raises(AssertionError, match="<Speak> in <Response>"):
        check_twiml("<Response><Speak>hi</Speak></Response>")
    with pytest.raises(AssertionError, match="undocumented attributes"):
        check_twiml('<Response><Gather numdigits="1"/></Response>')
    with pytest.raises(AssertionError, match="<Dial> in <Gather>"):
        check_twiml("<Response><Gather><Dial>+1</Dial></Gather></Response>")
