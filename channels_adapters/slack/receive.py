"""The shell between Slack's Events API and the commands: apply what `inbound.decide` said."""

import logging

from channels_adapters.slack import commands
from channels_adapters.slack.conversations import inbound_message
from channels_adapters.slack.inbound import Deleted, Edited, Ignored, decide, envelope
from channels_adapters.slack.models import SlackChannel
from contactcenter.events.context import acting_as
from contactcenter.interactions.ingest import ingest

log = logging.getLogger(__name__)


def handle_event(channel: SlackChannel, body: dict) -> str:
    """Record one event_callback; returns what became of it (for the log and the tests)."""
    env = envelope(body)
    bots = frozenset(filter(None, [channel.bot_user_id]))
    decision = decide(env, bot_users=bots)
    channel_key = env.team or channel.channel_key
    if isinstance(decision, Ignored):
        log.debug("slack event %s ignored: %s", env.event_id, decision.reason)
        return f"ignored: {decision.reason}"
    with acting_as("provider:slack", causation_id=env.event_id):
        if isinstance(decision, Edited):
            return commands.record_edit(
                channel_key,
                decision.external_id,
                text=decision.text,
                edited_at=decision.edited_at,
                idempotency_key=f"slack-event:{env.event_id}",
            )
        if isinstance(decision, Deleted):
            return commands.record_deletion(
                channel_key,
                decision.external_id,
                deleted_at=decision.deleted_at,
                idempotency_key=f"slack-event:{env.event_id}",
            )
        result = ingest(inbound_message(decision, channel_key, event_id=env.event_id))
    if result.duplicate:
        return "duplicate"
    return "created" if result.created else "appended"
