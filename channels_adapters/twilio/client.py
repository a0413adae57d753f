"""Twilio's own REST client, pointed at the channel's API base URL.

Twilio's library (and `requests` under it) is imported when a client is first made: every
process loads this module, few ever call Twilio, and the import is a seventh of a second of
each start."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from channels_adapters import base
from channels_adapters.twilio.models import TwilioChannel

if TYPE_CHECKING:
    from twilio.rest import Client

TIMEOUT_SECONDS = 10


@functools.cache
def _client_class() -> type[Client]:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class _Client(Client):
        def __init__(self, channel: TwilioChannel):
            super().__init__(
                channel.account_sid,
                channel.auth_token,
                http_client=TwilioHttpClient(timeout=TIMEOUT_SECONDS),
            )
            self._base = urlsplit(channel.api_base_url) if channel.api_base_url else None

        def get_hostname(self, uri: str) -> str:
            # Every Twilio product lives under its own host (api.twilio.com, …); a configured
            # base URL takes the scheme and host, keeping the path (/2010-04-01/Accounts/…).
            uri = super().get_hostname(uri)
            if self._base is None:
                return uri
            parts = urlsplit(uri)
            return urlunsplit((self._base.scheme, self._base.netloc, parts.path, parts.query, ""))

    return _Client


def client(channel: TwilioChannel) -> Client:
    return _client_class()(channel)


def delivery_error(error: Exception) -> base.DeliveryError:
    """A failed API call as the outbox understands it: a 4xx refusal is final (but 429), a
    5xx or a network error is worth another try."""
    from twilio.base.exceptions import TwilioRestException

    if isinstance(error, TwilioRestException):
        detail = f"Twilio answered {error.status}" + (f", error {error.code}" if error.code else "")
        detail += f": {error.msg}" if error.msg else ""
        if error.status == 429 or error.status >= 500:
            return base.TemporaryFailure(detail)
        return base.PermanentFailure(detail)
    return base.TemporaryFailure(f"Twilio could not be reached: {error}")
