"""The satisfaction survey in Slack: the question with five buttons (Block Kit), whose click
comes back to the interactivity endpoint (signed like every Slack request) as a
`block_actions` payload and becomes the rating.

A button's value names the interaction; Slack returns it unchanged inside a request signed
with the app's secret, and the rating is only taken for a Slack conversation of the workspace
that signed it (contactcenter/csat/ratings.py checks channel and team).
"""

from typing import Any

from channels_adapters.slack.models import SlackChannel
from contactcenter.csat import ratings
from contactcenter.events.context import acting_as

QUESTION = "How did we do? Rate this conversation from 1 (poor) to 5 (great)."
ACTION_PREFIX = "csat_rating_"
BLOCK_ID = "csat"


def message(interaction_id: str) -> dict[str, Any]:
    return {"text": QUESTION, "channel_data": {"csat": {"interaction": interaction_id}}}


def blocks(text: str, survey: dict[str, Any]) -> list[dict[str, Any]]:
    interaction_id = str(survey.get("interaction") or "")
    return [
        {"type": "section", "text": {"type": "plain_text", "text": text}},
        {
            "type": "actions",
            "block_id": BLOCK_ID,
            "elements": [
                {
                    "type": "button",
                    "action_id": f"{ACTION_PREFIX}{rating}",
                    "text": {"type": "plain_text", "text": f"{rating} ⭐"},
                    "value": interaction_id,
                }
                for rating in range(1, 6)
            ],
        },
    ]


def is_rating(action: dict[str, Any]) -> bool:
    return str(action.get("action_id", "")).startswith(ACTION_PREFIX)


def answer(channel: SlackChannel, payload: dict[str, Any], action: dict[str, Any]) -> str:
    """Record a rating button's click; a second click of the same survey changes nothing."""
    rating = str(action.get("action_id", "")).removeprefix(ACTION_PREFIX)
    interaction_id = str(action.get("value") or "")
    if rating not in ("1", "2", "3", "4", "5") or not interaction_id:
        raise ratings.NotRatable("a rating button names a rating from 1 to 5 and a conversation")
    named = payload.get("team")
    team = str(named.get("id") or "") if isinstance(named, dict) else ""
    with acting_as("provider:slack"):
        recorded = ratings.record(
            interaction_id,
            int(rating),
            channel="slack",
            channel_key=team or channel.channel_key,
            idempotency_key=f"csat:slack:{interaction_id}",
        )
    return f"rated {interaction_id} {rating}" if recorded else "already rated"
