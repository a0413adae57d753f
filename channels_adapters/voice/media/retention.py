"""Recordings leave storage in two ways, both through the privacy mechanism
(contactcenter/privacy): a retention policy of kind "recordings" (or
VOICE_RECORDING_RETENTION_DAYS, an every-channel one) purges those older than its days, and
erasing a customer deletes every recording of their calls. Each deletion is recorded
(RecordingDeleted on the call's interaction stream, with why), so playback and the log say the
recording was there and is gone; the file goes once the transaction commits."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import storages
from django.db import transaction

from channels_adapters.voice.calls import record
from contactcenter.events.models import Event

ERASED = "erased"  # RecordingDeleted.reason of an erasure


@dataclass(frozen=True)
class StoredRecording:
    interaction_id: str
    name: str  # in the default storage


def delete(recordings: list[StoredRecording], reason: str) -> int:
    """Record each deletion on its call's stream and delete the files after the commit;
    returns how many were still stored (a recording already deleted is left alone)."""
    by_interaction: dict[str, list[str]] = defaultdict(list)
    for each in recordings:
        by_interaction[each.interaction_id].append(each.name)
    gone: list[str] = []
    for interaction_id, names in by_interaction.items():
        recorded = record(
            interaction_id,
            lambda voice, names=names: [
                event for name in names for event in voice.recording_deleted(name, reason)
            ],
        )
        gone += [event.data["name"] for event in recorded]
    transaction.on_commit(lambda: _delete_files(gone))
    return len(gone)


def _delete_files(names: list[str]) -> None:
    storage = storages["default"]
    for name in names:
        storage.delete(name)  # deleting a file already gone is not an error


def of_interactions(interaction_ids: list[str]) -> list[StoredRecording]:
    """The recordings of these interactions still stored, oldest first."""
    from channels_adapters.voice.call import VoiceCall

    found = []
    for interaction_id in interaction_ids:
        call = VoiceCall.load(interaction_id)
        found += [StoredRecording(interaction_id, name) for name in call.recordings]
    return found


def saved_before(cutoff: datetime) -> list[StoredRecording]:
    """The recordings saved before `cutoff` and not deleted since. RecordingSaved and
    RecordingDeleted hold no personal field, so their names read plain in the log."""
    saved = {
        data["name"]: data["interaction_id"]
        for data in Event.objects.filter(type="RecordingSaved", occurred_at__lt=cutoff)
        .order_by("position")
        .values_list("data", flat=True)
    }
    deleted = set(
        Event.objects.filter(type="RecordingDeleted", data__name__in=list(saved)).values_list(
            "data__name", flat=True
        )
    )
    return [
        StoredRecording(interaction_id, name)
        for name, interaction_id in saved.items()
        if name not in deleted
    ]
