"""slack-sdk's WebClient for a configured Slack channel, and what its errors mean for us."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from channels_adapters.base import DeliveryError, PermanentFailure, TemporaryFailure
from channels_adapters.slack.models import SlackChannel

TIMEOUT_SECONDS = 10
# Slack's own words for "try again later"; every other error is a refusal.
TEMPORARY_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
}


def web_client(channel: SlackChannel) -> WebClient:
    base_url = (
        channel.api_base_url if channel.api_base_url.endswith("/") else f"{channel.api_base_url}/"
    )
    return WebClient(token=channel.bot_token, base_url=base_url, timeout=TIMEOUT_SECONDS)


def failure(error: Exception) -> DeliveryError:
    """A SlackApiError, or a network error, as the outbox's temporary or permanent failure."""
    if not isinstance(error, SlackApiError):
        return TemporaryFailure(f"Slack could not be reached: {error}")
    response = error.response
    status = getattr(response, "status_code", 0) or 0
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    code = str(data.get("error") or f"HTTP {status}")
    if status == 429 or code == "ratelimited":
        return TemporaryFailure(f"Slack: {code}", retry_after=_retry_after(response.headers))
    if status >= 500 or code in TEMPORARY_ERRORS:
        return TemporaryFailure(f"Slack: {code}")
    return PermanentFailure(f"Slack: {code}")


def _retry_after(headers) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None
