"""The TwiML verbs and attributes Twilio documents (Voice and Messaging TwiML references),
and a check that a document we return uses only them."""

import xml.etree.ElementTree as ET

DOCUMENTED = {
    "Response": set(),
    "Say": {"voice", "language", "loop"},
    "Play": {"loop", "digits"},
    "Pause": {"length"},
    "Gather": {
        "action",
        "method",
        "input",
        "numDigits",
        "timeout",
        "finishOnKey",
        "speechTimeout",
        "language",
        "hints",
        "actionOnEmptyResult",
        "profanityFilter",
        "speechModel",
        "enhanced",
        "partialResultCallback",
        "partialResultCallbackMethod",
    },
    "Redirect": {"method"},
    "Hangup": set(),
    "Reject": {"reason"},
    "Record": {
        "action",
        "method",
        "timeout",
        "finishOnKey",
        "maxLength",
        "playBeep",
        "trim",
        "transcribe",
        "transcribeCallback",
        "recordingStatusCallback",
        "recordingStatusCallbackMethod",
        "recordingStatusCallbackEvent",
    },
    "Dial": {
        "action",
        "method",
        "timeout",
        "callerId",
        "hangupOnStar",
        "timeLimit",
        "record",
        "trim",
        "answerOnBridge",
        "ringTone",
        "recordingStatusCallback",
        "recordingStatusCallbackMethod",
        "recordingStatusCallbackEvent",
    },
    "Number": {
        "sendDigits",
        "url",
        "method",
        "statusCallback",
        "statusCallbackEvent",
        "statusCallbackMethod",
    },
    "Sip": {
        "username",
        "password",
        "url",
        "method",
        "statusCallback",
        "statusCallbackEvent",
        "statusCallbackMethod",
    },
    "Client": {"url", "method", "statusCallback", "statusCallbackEvent", "statusCallbackMethod"},
    "Message": {"to", "from", "action", "method", "statusCallback"},
    # <Connect><Stream>: a bidirectional Media Stream (Voice TwiML, <Stream> noun)
    "Connect": {"action", "method"},
    "Stream": {"url", "name", "track", "statusCallback", "statusCallbackMethod"},
    "Parameter": {"name", "value"},
}
# Which verbs may hold which (Gather nests Say, Play and Pause; Dial its nouns).
CHILDREN = {
    "Response": {
        "Say",
        "Play",
        "Pause",
        "Gather",
        "Redirect",
        "Hangup",
        "Reject",
        "Record",
        "Dial",
        "Message",
        "Connect",
    },
    "Gather": {"Say", "Play", "Pause"},
    "Dial": {"Number", "Sip", "Client"},
    "Connect": {"Stream"},
    "Stream": {"Parameter"},
}


def check_twiml(text: str) -> ET.Element:
    """Parse `text` (it must be XML) and assert it is documented TwiML; returns the root."""
    root = ET.fromstring(text.encode())
    assert root.tag == "Response", root.tag
    for parent in root.iter():
        assert parent.tag in DOCUMENTED, f"<{parent.tag}> is not a TwiML verb or noun"
        unknown = set(parent.attrib) - DOCUMENTED[parent.tag]
        assert not unknown, f"<{parent.tag}> has undocumented attributes {unknown}"
        for child in parent:
            assert child.tag in CHILDREN.get(parent.tag, set()), f"<{child.tag}> in <{parent.tag}>"
    return root
