"""Supervisor alerts (a queue below its service level, say) posted to a Slack channel of the
team's own, configured per Slack channel in admin (`alerts channel`)."""

import logging

from slack_sdk.errors import SlackApiError

from channels_adapters.base import DeliveryError
from channels_adapters.slack.buttons import escape
from channels_adapters.slack.client import failure, web_client
from channels_adapters.slack.models import SlackChannel

log = logging.getLogger(__name__)


class AlertNotPosted(Exception):
    pass


def post_alert(text: str) -> int:
    """Post `text` to every configured alerts channel; returns how many took it.

    Never raises for Slack's sake: an alert that cannot be posted is logged (the wallboard
    shows the same alert anyway), and the failures are counted out of the return value.
    """
    posted = 0
    for channel in SlackChannel.objects.filter(active=True).exclude(alerts_channel=""):
        try:
            _post(channel, text)
        except AlertNotPosted as error:
            log.warning("alert not posted to Slack %s: %s", channel, error)
        else:
            posted += 1
    return posted


def _post(channel: SlackChannel, text: str) -> None:
    if not channel.bot_token:
        raise AlertNotPosted("no bot token")
    try:
        web_client(channel).chat_postMessage(channel=channel.alerts_channel, text=escape(text))
    except (SlackApiError, OSError) as error:
        reason: DeliveryError = failure(error)
        raise AlertNotPosted(str(reason)) from error
