"""Print the X-Twilio-Signature Twilio would send for a URL and form body, so anyone can
play a Twilio webhook against a local server (see the README)."""

from urllib.parse import parse_qsl

from django.core.management.base import BaseCommand, CommandError

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.twilio.signature import sign
from crm.identities import InvalidIdentity, e164


class Command(BaseCommand):
    help = (
        "Print a valid X-Twilio-Signature for URL and a form body "
        "(e.g. 'From=%2B15551234567&To=%2B15005550006&Body=hi', or key=value arguments). "
        "The auth token is the channel's whose number is the body's To (or --token)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "url", help="the full URL Twilio calls, e.g. http://127.0.0.1:8000/hooks/twilio/sms/"
        )
        parser.add_argument("body", nargs="*", help="the form body, urlencoded or as key=value")
        parser.add_argument("--token", help="the auth token (default: the To number's channel)")

    def handle(self, *args, url, body, token, **options):
        params: dict[str, str] = {}
        for part in body:
            params.update(parse_qsl(part, keep_blank_values=True))
        if not token:
            token = self._token_for(params.get("To", ""))
        self.stdout.write(sign(token, url, params))

    def _token_for(self, to: str) -> str:
        try:
            number = e164(to)
        except InvalidIdentity:
            raise CommandError("no To in the body: pass --token, or a body with To=") from None
        channel = TwilioChannel.objects.filter(phone_number=number).first()
        if channel is None:
            raise CommandError(f"no Twilio channel for {number}: pass --token")
        return channel.auth_token
