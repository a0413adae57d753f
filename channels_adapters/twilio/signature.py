"""Is this request from Twilio? Its X-Twilio-Signature, checked with twilio's RequestValidator
against the URL Twilio called: the channel's public base URL plus the path and query we got, so
a proxy in front (TLS, another host name) does not break the check."""

from django.http import HttpRequest
from twilio.request_validator import RequestValidator

from channels_adapters.twilio.models import TwilioChannel


def public_url(channel: TwilioChannel, request: HttpRequest) -> str:
    return channel.url(request.get_full_path())


def is_valid(channel: TwilioChannel, request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    params = {key: request.POST.get(key) for key in request.POST}
    return RequestValidator(channel.auth_token).validate(
        public_url(channel, request), params, signature
    )


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The signature Twilio would send (the twilio_signature command and tests use it)."""
    return RequestValidator(auth_token).compute_signature(url, params)
