"""`manage.py twilio_signature` prints what Twilio would send, so a curl can play a webhook."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.twilio_api import TOKEN, a_channel
from tests.twilio_hooks import post, sms

pytestmark = pytest.mark.django_db
URL = "http://127.0.0.1:8000/hooks/twilio/sms/"


def signature(*args) -> str:
    out = io.StringIO()
    call_command("twilio_signature", *args, stdout=out)
    return out.getvalue().strip()


def test_the_printed_signature_is_accepted_by_the_webhook(client, settings):
    from tests.routing.builders import a_queue

    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    a_queue("Support", entry="sms:*")
    a_channel()
    params = sms("Hi from curl")
    body = "&".join(f"{k}={v}" for k, v in params.items()).replace("+", "%2B")

    printed = signature(URL, body)

    assert printed == signature(URL, *[f"{k}={v.replace('+', '%2B')}" for k, v in params.items()])
    assert post(client, "/hooks/twilio/sms/", params, signature=printed).status_code == 200


def test_the_token_can_be_given_and_an_unknown_number_is_explained():
    assert signature(URL, "To=%2B15005550006&Body=x", "--token", TOKEN)
    with pytest.raises(CommandError, match=r"no Twilio channel for \+15005550006"):
        signature(URL, "To=%2B15005550006&Body=x")
