"""Self-service menus as Block Kit buttons, and the clicks that answer them.

A flow's prompt is a MessageSent with `channel_data={"flow": {"step": ..., "options":
[{"value": "1", "label": "Billing"}, ...]}}`; we post its text with one button per option. A
click arrives at /hooks/slack/interactions/ and becomes the customer's answer: an inbound
message with `text=<label>` and `channel_data={"flow_choice": <value>}`.
"""

from dataclasses import replace
from typing import Any

from channels_adapters.slack import survey
from channels_adapters.slack.conversations import inbound_message
from channels_adapters.slack.inbound import Written
from channels_adapters.slack.models import SlackChannel
from contactcenter.events.context import acting_as
from contactcenter.interactions.ingest import ingest

ACTION_PREFIX = "flow_choice_"
BUTTONS_PER_BLOCK = 25  # Block Kit's limit for one actions block
LABEL_LIMIT = 75  # characters of a button's plain_text


def escape(text: str) -> str:
    """Slack's three control characters, so a message never pings @channel or fakes a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def flow_blocks(text: str, flow: dict[str, Any]) -> list[dict[str, Any]]:
    options = [o for o in flow.get("options") or [] if isinstance(o, dict) and "value" in o]
    step = str(flow.get("step") or "menu")
    blocks: list[dict[str, Any]] = []
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": escape(text)}})
    for start in range(0, len(options), BUTTONS_PER_BLOCK):
        chunk = options[start : start + BUTTONS_PER_BLOCK]
        blocks.append(
            {
                "type": "actions",
                "block_id": f"flow:{step}:{start // BUTTONS_PER_BLOCK}"[:255],
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"{ACTION_PREFIX}{start + n}",
                        "text": {
                            "type": "plain_text",
                            "text": str(option.get("label") or option["value"])[:LABEL_LIMIT],
                        },
                        "value": str(option["value"])[:2000],
                    }
                    for n, option in enumerate(chunk)
                ],
            }
        )
    return blocks


def handle_click(channel: SlackChannel, payload: dict[str, Any]) -> str:
    if payload.get("type") != "block_actions":
        return f"ignored: {payload.get('type')!r} is not a button click"
    actions = [a for a in payload.get("actions") or [] if isinstance(a, dict)]
    rated = [survey.answer(channel, payload, a) for a in actions if survey.is_rating(a)]
    if rated:
        return ", ".join(rated)
    clicks = [
        a
        for a in payload.get("actions") or []
        if isinstance(a, dict) and str(a.get("action_id", "")).startswith(ACTION_PREFIX)
    ]
    if not clicks:
        return "ignored: no flow button in this click"
    outcomes = [_answer(channel, payload, click) for click in clicks]
    return ", ".join(outcomes)


def _answer(channel: SlackChannel, payload: dict[str, Any], click: dict[str, Any]) -> str:
    user = payload.get("user") or {}
    team = str((payload.get("team") or {}).get("id") or user.get("team_id") or "")
    container = payload.get("container") or {}
    message = payload.get("message") or {}
    channel_id = str(container.get("channel_id") or (payload.get("channel") or {}).get("id") or "")
    ts = str(click.get("action_ts") or payload.get("trigger_id") or "")
    label = (click.get("text") or {}).get("text") or str(click.get("value") or "")
    written = Written(
        team=team,
        channel=channel_id,
        channel_type="im" if channel_id.startswith("D") else "channel",
        user=str(user.get("id") or ""),
        user_team=str(user.get("team_id") or team),
        ts=ts,
        thread_ts=str(
            message.get("thread_ts") or container.get("thread_ts") or message.get("ts") or ts
        ),
        text=label,
        sender_name=str(user.get("name") or user.get("username") or ""),
    )
    choice = inbound_message(written, team or channel.channel_key, event_id="")
    with acting_as("provider:slack"):
        result = ingest(
            replace(
                choice,
                external_id=f"{written.external_id}#click",
                channel_data={"flow_choice": str(click.get("value") or "")},
            )
        )
    return "duplicate" if result.duplicate else f"answered {result.interaction_id}"
