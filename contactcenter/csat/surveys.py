"""The survey worker: follows the log and, when an agent's conversation closes on a channel
that surveys (CSAT_SURVEY_CHANNELS) and asks by message, appends `CsatSurveySent` with the
survey's `MessageSent`, which the outbox delivers like any reply.

What the survey says on a channel is the channel's own (`Channel.survey` in the registry: a
numbered text, a mail with signed links, Slack buttons). The aggregate asks at most once, so a
redelivered close, a replayed batch or a second worker appends nothing more. Web chat asks in
the widget and calls on the call (channels_adapters/voice/survey.py): neither is a message.
"""

import logging
import uuid

from channels_adapters import base
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.csat import settings as csat
from contactcenter.events.context import acting_as
from contactcenter.events.follower import follow_named
from contactcenter.interactions import commands as interactions
from contactcenter.interactions import events as ev
from contactcenter.interactions.domain import DomainError, Interaction

log = logging.getLogger(__name__)

CHECKPOINT = "csat-surveys"
NOT_SURVEYED = {"spam"}  # closes that are no conversation to rate


def run_once() -> int:
    return follow_named(CHECKPOINT, _closed, types=["InteractionClosed"], batch=100)


def _closed(events: list) -> None:
    for event in events:
        if event.data.get("reason") in NOT_SURVEYED:
            continue
        try:
            ask(event.data["interaction_id"])
        except DomainError as error:  # reopened since, say: nothing to ask now
            log.info("no survey for %s: %s", event.data["interaction_id"], error)


@command
def ask(interaction_id: str) -> bool:
    """Send the survey of this interaction's channel, unless asked already; True if sent."""
    interaction = interactions.load(interaction_id)
    channel = base.channel(interaction.channel)
    if channel is None or channel.survey is None:
        return False
    if not csat.surveyed(channel.name, interaction.queue_id):
        return False
    if interaction.surveyed_at is not None or interaction.rated:
        return False
    if interaction.last_agent_id is None:
        return False  # self-service or closed unanswered: no conversation with us to rate
    if interaction.ended_at and clock.now() - interaction.ended_at > csat.window():
        return False  # a first run over an old log: long-closed conversations are not asked
    with acting_as("system:csat"):
        recorded = interactions.decide_and_append(
            interaction_id, lambda i: i.ask_for_rating(_survey(i, channel))
        )
    return bool(recorded)


def _survey(interaction: Interaction, channel: base.Channel) -> ev.MessageSent:
    content = dict(channel.survey(interaction.id) or {})
    return ev.MessageSent(
        interaction_id=interaction.id,
        message_id=str(uuid.uuid4()),
        channel=interaction.channel,
        author="system",
        author_name="",
        text=str(content.get("text", "")),
        html=str(content.get("html", "")),
        subject=str(content.get("subject", "")),
        channel_data={**dict(content.get("channel_data") or {}), "csat_survey": True},
    )


def survey_loop():
    from contactcenter.workers.loop import Loop, woken_by_commits

    return woken_by_commits(Loop("csat-surveys", run_once, idle=2.0), {"InteractionClosed"})
