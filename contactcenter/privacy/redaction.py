"""Card numbers masked before anything is stored: the free-text fields of messages (chat
transcripts, e-mails, SMS, voice speech and keypad digits), voicemail transcriptions, what a
customer answers a flow or asks the virtual agent (and the flow attributes collected from it),
internal and customer notes and wrap-up notes. Search, the feed and webhooks read what was
stored, so they never see one.

Which channels mask is the CARD_MASKING_CHANNELS setting ("*": all; notes count as the
channel "notes"); logs are masked whatever it says (`CardNumbersFilter`).
"""

import logging
from typing import Any

from django.conf import settings

from contactcenter.events import sealing
from contactcenter.privacy import cards

# Event type -> its free-text fields. channel_data is masked through and through (keypad
# digits, speech, providers' extra fields); identifiers (addresses, ids) are never touched.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "MessageReceived": ("text", "html", "subject", "channel_data"),
    "MessageSent": ("text", "html", "subject", "channel_data"),
    "InternalNoteAdded": ("text",),
    "CustomerNoteAdded": ("text",),
    "WrapUpCompleted": ("notes",),
    "VoicemailTranscribed": ("text",),
    "FlowAnswerGiven": ("text", "value", "label"),
    "FlowAttributesSet": ("attributes",),
    "FlowLookupAnswered": ("sent",),
    "VirtualAgentReplied": ("question", "intent"),
}
NOTES = "notes"
# Event types that carry no `channel` but belong to one (masking is chosen per channel): a
# fixed one, or their interaction's.
CHANNEL_OF: dict[str, str] = {"VoicemailTranscribed": "voice"}
ON_THE_INTERACTIONS_CHANNEL = {
    "FlowAnswerGiven",
    "FlowAttributesSet",
    "FlowLookupAnswered",
    "VirtualAgentReplied",
}


def _chosen() -> set[str]:
    return {c.strip() for c in settings.CARD_MASKING_CHANNELS.split(",") if c.strip()}


def masking_on(channel: str) -> bool:
    chosen = _chosen()
    return "*" in chosen or channel in chosen


def redact(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    fields = TEXT_FIELDS.get(type_)
    # "*" spares looking up the channel of an event that names none
    if not fields or not ("*" in _chosen() or masking_on(channel_of(type_, data))):
        return data
    changed = {name: masked_value(data[name]) for name in fields if name in data}
    return {**data, **changed}


def channel_of(type_: str, data: dict[str, Any]) -> str:
    if data.get("channel"):
        return data["channel"]
    if type_ in CHANNEL_OF:
        return CHANNEL_OF[type_]
    if type_ in ON_THE_INTERACTIONS_CHANNEL and data.get("interaction_id"):
        from contactcenter.interactions.models import Interaction

        found = Interaction.objects.filter(pk=data["interaction_id"]).values_list(
            "channel", flat=True
        )
        return found.first() or ""
    return NOTES


def masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return cards.mask(value)
    if isinstance(value, dict):
        return {key: masked_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked_value(item) for item in value]
    return value


class CardNumbersFilter(logging.Filter):
    """On a log handler: card numbers in a record's message or traceback never reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = cards.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = cards.mask(record.exc_text)
        return True


def install() -> None:
    sealing.register(redactor=redact)
