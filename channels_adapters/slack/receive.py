"""The shell between Slack's Events API and the commands: apply what `inbound.decide` said."""

import dataclasses
import logging
from urllib.parse import urlsplit

from channels_adapters.slack import commands
from channels_adapters.slack.conversations import inbound_message
from channels_adapters.slack.inbound import Deleted, Edited, Ignored, Written, decide, envelope
from channels_adapters.slack.models import SlackChannel
from contactcenter.attachments import provider_media
from contactcenter.events.context import acting_as
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import TranscriptEntry

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
        message = inbound_message(
            _files_copied(channel, decision), channel_key, event_id=env.event_id
        )
        recorded = False  # the copied files stay only with a message appended with them
        try:
            result = ingest(message)
            recorded = not result.duplicate
        finally:
            if not recorded:
                provider_media.discard(message.attachments)
    if result.duplicate:
        return "duplicate"
    return "created" if result.created else "appended"


FILES_BUDGET_S = 2.0  # copying a message's files; Slack waits 3 s for the event's answer
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack-files.com"})


def _files_copied(channel: SlackChannel, written: Written) -> Written:
    """The customer's files copied from Slack into our storage (contactcenter/attachments/
    provider_media.py), with the bot's token sent to Slack's file hosts only; not again for
    a message already recorded (Slack's retry of an event)."""
    if (
        not written.attachments
        or TranscriptEntry.objects.filter(external_id=written.external_id, kind="inbound").exists()
    ):
        return written
    hosts = SLACK_FILE_HOSTS | {urlsplit(channel.api_base_url).hostname or ""}
    token = (("Authorization", f"Bearer {channel.bot_token}"),)
    copied = provider_media.copy_all(
        [provider_media.Source(a, hosts, token) for a in written.attachments],
        budget_s=FILES_BUDGET_S,
    )
    return dataclasses.replace(written, attachments=copied)
