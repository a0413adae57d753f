"""Webhook requests as Twilio makes them: form-encoded, signed with the channel's auth token by
twilio's RequestValidator.compute_signature over the public URL."""

import itertools

from django.conf import settings
from django.test import Client
from twilio.request_validator import RequestValidator

from tests.twilio_api import ACCOUNT, NUMBER, TOKEN

_sids = itertools.count(1)


def sid(prefix: str) -> str:
    return f"{prefix}{next(_sids):032x}"


def post(client: Client, path: str, params: dict, *, token: str = TOKEN, signature=None, base=None):
    """POST `params` to `path` as Twilio would, signed (signature=False: unsigned)."""
    url = f"{(base or settings.PUBLIC_URL).rstrip('/')}{path}"
    headers = {}
    if signature is None:
        headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator(token).compute_signature(url, params)
    elif signature:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature
    return client.post(path, params, **headers)


def sms(body: str, sender: str = "+15551230001", **extra) -> dict:
    """An inbound message, with the parameters Twilio's Messaging webhook sends."""
    message_sid = extra.pop("MessageSid", None) or sid("SM")
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "94105",
        "SmsSid": message_sid,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "SAN FRANCISCO",
        "Body": body,
        "FromCountry": "US",
        "To": NUMBER,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": message_sid,
        "AccountSid": ACCOUNT,
        "From": sender,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def call(call_sid: str, caller: str = "+15551230002", **extra) -> dict:
    """A Voice webhook's parameters for a call that came in."""
    return {
        "Called": NUMBER,
        "ToState": "CA",
        "CallerCountry": "US",
        "Direction": "inbound",
        "CallerState": "CA",
        "ToZip": "",
        "CallSid": call_sid,
        "To": NUMBER,
        "CallerZip": "94105",
        "ToCountry": "US",
        "CallToken": "",
        "CalledZip": "",
        "ApiVersion": "2010-04-01",
        "CalledCity": "",
        "CallStatus": "ringing",
        "From": caller,
        "AccountSid": ACCOUNT,
        "CalledCountry": "US",
        "CallerCity": "SAN FRANCISCO",
        "ToCity": "",
        "FromCountry": "US",
        "Caller": caller,
        "FromCity": "SAN FRANCISCO",
        "CalledState": "CA",
        "FromZip": "94105",
        "FromState": "CA",
        **extra,
    }
