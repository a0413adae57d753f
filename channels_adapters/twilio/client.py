"""Twilio's own REST client, pointed at the channel's API base URL."""

from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from channels_adapters import base
from channels_adapters.twilio.models import TwilioChannel

TIMEOUT_SECONDS = 10


class _Client(Client):
    def __init__(self, channel: TwilioChannel):
        super().__init__(
            channel.account_sid,
            channel.auth_token,
            http_client=TwilioHttpClient(timeout=TIMEOUT_SECONDS),
        )
        self._base = urlsplit(channel.api_base_url) if channel.api_base_url else None

    def get_hostname(self, uri: str) -> str:
        # Every Twilio product lives under its own host (api.twilio.com, …); a configured base
        # URL takes the scheme and host, keeping the path (/2010-04-01/Accounts/…).
        uri = super().get_hostname(uri)
        if self._base is None:
            return uri
        parts = urlsplit(uri)
        return urlunsplit((self._base.scheme, self._base.netloc, parts.path, parts.query, ""))


def client(channel: TwilioChannel) -> Client:
    return _Client(channel)


def delivery_error(error: Exception) -> base.DeliveryError:
    """A failed API call as the outbox understands it: a 4xx refusal is final (but 429), a
    5xx or a network error is worth another try."""
    if isinstance(error, TwilioRestException):
        detail = f"Twilio answered {error.status}" + (f", error {error.code}" if error.code else "")
        detail += f": {error.msg}" if error.msg else ""
        if error.status == 429 or error.status >= 500:
            return base.TemporaryFailure(detail)
        return base.PermanentFailure(detail)
    return base.TemporaryFailure(f"Twilio could not be reached: {error}")
