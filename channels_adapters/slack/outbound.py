"""Agents' replies to Slack: chat.postMessage in the customer's thread, under the agent's name
(and picture, where the agent has one), with flow menus as buttons."""

from typing import Any

from slack_sdk.errors import SlackApiError

from channels_adapters.base import (
    Capabilities,
    DeliveryResult,
    OutboundMessage,
    PermanentFailure,
)
from channels_adapters.slack import survey
from channels_adapters.slack.buttons import escape, flow_blocks
from channels_adapters.slack.client import failure, web_client
from channels_adapters.slack.inbound import message_id, parse_thread_key
from channels_adapters.slack.models import SlackChannel

TEXT_LIMIT = 40_000  # chat.postMessage truncates beyond this


class SlackAdapter:
    channel = "slack"
    capabilities = Capabilities(realtime=False, max_length=TEXT_LIMIT)

    def send(self, message: OutboundMessage) -> DeliveryResult:
        config = SlackChannel.for_team(message.channel_key)
        if config is None or not config.bot_token:
            raise PermanentFailure(
                f"no active Slack channel with a bot token answers for team {message.channel_key}"
            )
        try:
            response = web_client(config).chat_postMessage(**post_arguments(message))
        except (SlackApiError, OSError) as error:  # URLError and timeouts are OSErrors
            raise failure(error) from error
        return DeliveryResult(
            status="sent", external_id=message_id(response["channel"], response["ts"])
        )


def post_arguments(message: OutboundMessage) -> dict[str, Any]:
    """chat.postMessage's arguments: into the interaction's thread, or, for an interaction we
    started (no thread yet), to the customer's DM with our app (its user id as channel)."""
    if message.threading_key:
        _, channel, thread_ts = parse_thread_key(message.threading_key)
    else:
        channel, thread_ts = message.to_address.partition(":")[2], ""
    if not channel:
        raise PermanentFailure(f"no Slack conversation for interaction {message.interaction_id}")
    arguments: dict[str, Any] = {"channel": channel, "text": escape(message.text[:TEXT_LIMIT])}
    if thread_ts:
        arguments["thread_ts"] = thread_ts
    flow = message.channel_data.get("flow")
    if isinstance(flow, dict) and flow.get("options"):
        arguments["blocks"] = flow_blocks(message.text, flow)
    rating = message.channel_data.get("csat")
    if isinstance(rating, dict):
        arguments["blocks"] = survey.blocks(message.text[:TEXT_LIMIT], rating)
    if message.author_name:
        arguments["username"] = message.author_name  # needs the chat:write.customize scope
    if icon := _avatar(message.author):
        arguments["icon_url"] = icon
    return arguments


def _avatar(author: str) -> str:
    kind, _, user_id = author.partition(":")
    if kind not in {"agent", "supervisor"} or not user_id.isdigit():
        return ""
    from routing.models import AgentProfile

    profile = AgentProfile.objects.filter(user_id=int(user_id)).only("avatar_url").first()
    return profile.avatar_url if profile else ""
