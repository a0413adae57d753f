"""A caller as Twilio sees them: each step is the request Twilio makes, signed, following
the TwiML we answered (Gather's action, Redirect, Record's action, Dial's action)."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from tests.twilio_api import ACCOUNT, NUMBER
from tests.twilio_hooks import call, post, sid
from tests.voice.twiml_rules import check_twiml


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Phone:
    def __init__(self, client, caller: str = "+15551230002"):
        self.client, self.caller = client, caller
        self.call_sid = sid("CA")
        self.twiml: ET.Element | None = None
        self.documents: list[str] = []

    def _post(self, path: str, **params) -> ET.Element:
        response = post(self.client, path, call(self.call_sid, self.caller, **params))
        assert response.status_code == 200, response.text
        assert response["Content-Type"].startswith("text/xml")
        self.documents.append(response.text)
        self.twiml = check_twiml(response.text)
        return self.twiml

    def dial_in(self) -> ET.Element:
        return self._post("/hooks/twilio/voice/")

    def said(self) -> list[str]:
        return [say.text or "" for say in self.twiml.iter("Say")]

    def verbs(self) -> list[str]:
        return [child.tag for child in self.twiml]

    def press(self, digits: str) -> ET.Element:
        gather = self.twiml.find("Gather")
        assert gather is not None, self.documents[-1]
        return self._post(local(gather.get("action")), Digits=digits, CallStatus="in-progress")

    def say_words(self, speech: str) -> ET.Element:
        gather = self.twiml.find("Gather")
        return self._post(
            local(gather.get("action")),
            SpeechResult=speech,
            Confidence="0.92",
            CallStatus="in-progress",
        )

    def stay_silent(self) -> ET.Element:
        return self._post(local(self.twiml.find("Redirect").text), CallStatus="in-progress")

    def hold_on(self) -> ET.Element:
        """The hold music ends: Twilio follows the Redirect."""
        return self._post(local(self.twiml.find("Redirect").text), CallStatus="in-progress")

    def leave_message(self, seconds: int = 12) -> ET.Element:
        record = self.twiml.find("Record")
        return self._post(
            local(record.get("action")),
            RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE1",
            RecordingSid="RE" + "1" * 32,
            RecordingDuration=str(seconds),
            Digits="#",
            CallStatus="in-progress",
        )

    def agent_leg_ends(self, dial_status: str = "completed", seconds: int = 42) -> ET.Element:
        return self._post(
            "/hooks/twilio/voice/dial/",
            DialCallStatus=dial_status,
            DialCallSid=sid("CA"),
            DialCallDuration=str(seconds),
            CallStatus="in-progress",
        )

    def status(self, status: str = "completed", duration: int = 95, call_sid: str | None = None):
        params = call(
            call_sid or self.call_sid, self.caller, CallStatus=status, CallDuration=str(duration)
        )
        response = post(self.client, "/hooks/twilio/voice/status/", params)
        assert response.status_code == 204, response.text
        return response

    def status_of_callback(self, call_sid: str, status: str = "completed", duration: int = 60):
        """Twilio's status callback for a call we placed: From is our number."""
        params = call(call_sid, NUMBER, CallStatus=status, CallDuration=str(duration))
        params |= {"To": self.caller, "Called": self.caller, "Direction": "outbound-api"}
        response = post(self.client, "/hooks/twilio/voice/status/", params)
        assert response.status_code == 204, response.text
