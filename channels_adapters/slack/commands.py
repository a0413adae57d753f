"""Commands for what Slack tells us about messages already recorded: edits and deletions.
Each provider event is appended once however often Slack redelivers it (its event_id)."""

from channels_adapters.slack.events import CustomerMessageDeleted, CustomerMessageEdited
from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.types import DomainEvent
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import Interaction, InvalidTransition
from contactcenter.interactions.ingest import InboundMessage
from contactcenter.interactions.models import TranscriptEntry


def find_message(channel_key: str, external_id: str) -> TranscriptEntry | None:
    """The customer's message Slack knows as `external_id` (channel/ts), found through the
    idempotency key ingest stored it under (indexed), never by scanning transcripts."""
    key = InboundMessage(
        channel="slack",
        channel_key=channel_key,
        sender_kind="slack",
        sender_address="",
        external_id=external_id,
    ).idempotency_key
    first = store.find_key(key)
    if first is None:
        return None
    return TranscriptEntry.objects.filter(
        interaction_id=first.data["interaction_id"], external_id=external_id, kind="inbound"
    ).first()


def _recorded(interaction: Interaction, event: DomainEvent) -> list[DomainEvent]:
    if interaction.state is None:
        raise InvalidTransition("record a message change", None)
    return [event]


@command
def record_edit(
    channel_key: str, external_id: str, *, text: str, edited_at: str = "", idempotency_key: str
) -> str:
    """The customer changed a message; returns what was done (`recorded`, `unknown`, …)."""
    if store.key_exists(idempotency_key):
        return "duplicate"
    entry = find_message(channel_key, external_id)
    if entry is None:
        return "unknown message"
    if entry.text == text:
        return "unchanged"  # Slack also says "changed" when it only unfurled a link
    event = CustomerMessageEdited(
        interaction_id=entry.interaction_id,
        message_id=entry.id,
        external_id=external_id,
        text=text,
        previous_text=entry.text,
        edited_at=edited_at,
    )
    interactions.decide_and_append(
        entry.interaction_id, lambda i: _recorded(i, event), idempotency_key=idempotency_key
    )
    return "recorded"


@command
def record_deletion(
    channel_key: str, external_id: str, *, deleted_at: str = "", idempotency_key: str
) -> str:
    if store.key_exists(idempotency_key):
        return "duplicate"
    entry = find_message(channel_key, external_id)
    if entry is None:
        return "unknown message"
    event = CustomerMessageDeleted(
        interaction_id=entry.interaction_id,
        message_id=entry.id,
        external_id=external_id,
        deleted_at=deleted_at,
    )
    interactions.decide_and_append(
        entry.interaction_id, lambda i: _recorded(i, event), idempotency_key=idempotency_key
    )
    return "recorded"
