"""Retention: each policy keeps one kind of data (message text, attachments, recordings) on one
channel, or every channel, for so many days. A background loop (`retention`, in run_workers and
serve) destroys the data keys of the buckets past that (shredding.py keeps message text and
attachments under a key per customer, channel, kind and day), brings the live projections to
what a rebuild would give, deletes the stored files, and appends one RetentionPurged per purge.

Call recordings are files, not fields of the log: their purge deletes the files saved before
the day, each deletion recorded (RecordingDeleted, channels_adapters/voice/media/retention.py).
VOICE_RECORDING_RETENTION_DAYS, when set, is one more recordings policy for every channel.

Reports and the wallboard read no message text and no recording, so they are unchanged.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate
from contactcenter.events.sealing import ERASED
from contactcenter.privacy import shredding
from contactcenter.privacy.events import RetentionPurged
from contactcenter.privacy.models import CustomerKey, RetentionPolicy

log = logging.getLogger(__name__)

STREAM = "privacy-retention"
RECORDINGS = RetentionPolicy.Kind.RECORDINGS.value
CHECK_EVERY_SECONDS = 3600.0


@dataclass(frozen=True)
class Purge:
    channel: str
    kind: str
    before: date
    keys: int
    files: int = 0


def policies() -> list[tuple[str, str, int]]:
    """(channel, kind, days) of every policy in force: the table's, and
    VOICE_RECORDING_RETENTION_DAYS as recordings on every channel. Overlapping ones each
    apply, so the shortest wins."""
    found = list(RetentionPolicy.objects.order_by("pk").values_list("channel", "kind", "keep_days"))
    if settings.VOICE_RECORDING_RETENTION_DAYS > 0:
        found.append(("", RECORDINGS, settings.VOICE_RECORDING_RETENTION_DAYS))
    return found


def purge_due(now: datetime | None = None) -> list[Purge]:
    """Apply every policy once; returns what was purged."""
    now = now or clock.now()
    done = []
    for channel, kind, days in policies():
        before = now.date() - timedelta(days=days)
        if kind == RECORDINGS:
            purged = _purge_recordings(channel, before, days)
        else:
            purged = _purge(channel, kind, before)
        if purged is not None:
            done.append(purged)
    return done


@command
def _purge_recordings(channel: str, before: date, days: int) -> Purge | None:
    """Recordings are made on voice calls only: a policy for another channel has none."""
    from channels_adapters.voice.media import retention as recordings

    if channel not in ("", "voice"):
        return None
    cutoff = datetime.combine(before, time.min, tzinfo=clock.now().tzinfo)
    deleted = recordings.delete(
        recordings.saved_before(cutoff), f"retention: older than {days} days"
    )
    if not deleted:
        return None
    aggregate.append(
        aggregate.Head.of(STREAM),
        [
            RetentionPurged(
                channel=channel,
                kind=RECORDINGS,
                before=before.isoformat(),
                keys=0,
                files=deleted,
            )
        ],
    )
    return Purge(channel, RECORDINGS, before, 0, deleted)


@command
def _purge(channel: str, kind: str, before: date) -> Purge | None:
    keys = CustomerKey.objects.filter(kind=kind, day__lt=before, erased_at__isnull=True)
    if channel:
        keys = keys.filter(channel=channel)
    buckets = list(keys.values_list("key_id", "customer_id", "channel"))
    if not buckets:
        return None
    keys.update(wrapped=b"", erased_at=clock.now())
    files = _scrub(kind, before, {(customer, ch) for _, customer, ch in buckets})
    purge = Purge(channel, kind, before, len(buckets), len(files))
    aggregate.append(
        aggregate.Head.of(STREAM),
        [
            RetentionPurged(
                channel=channel,
                kind=kind,
                before=before.isoformat(),
                keys=len(buckets),
                files=len(files),
            )
        ],
    )
    destroyed = [key_id for key_id, _, _ in buckets]

    def after_commit() -> None:
        from contactcenter.privacy.erasure import delete_files

        shredding.forget_keys(destroyed)
        delete_files(files)

    transaction.on_commit(after_commit)
    return purge


def _scrub(kind: str, before: date, owners: set[tuple[str, str]]) -> list[str]:
    """The live rows of the purged buckets, as a rebuild would now give them."""
    from channels_adapters.email.models import AttachmentRef
    from contactcenter.interactions.models import Interaction, TranscriptEntry
    from contactcenter.knowledge import projections as knowledge
    from contactcenter.search import projections as search

    cutoff = datetime.combine(before, time.min, tzinfo=clock.now().tzinfo)
    files: list[str] = []
    for customer_id, channel in owners:
        interactions = Interaction.objects.filter(customer_id=customer_id, channel=channel)
        ids = list(interactions.values_list("pk", flat=True))
        entries = TranscriptEntry.objects.filter(
            interaction_id__in=ids,
            occurred_at__lt=cutoff,
            kind__in=[TranscriptEntry.Kind.INBOUND, TranscriptEntry.Kind.OUTBOUND],
        )
        if kind == RetentionPolicy.Kind.MESSAGE_TEXT:
            for field in ("text", "html", "subject"):
                entries.exclude(**{field: ""}).update(**{field: ERASED})
            search.purge_message_text(ids, cutoff)
            knowledge.forget_sentiment(ids, before=cutoff)
            interactions.filter(last_message_at__lt=cutoff).exclude(last_message_preview="").update(
                last_message_preview=ERASED
            )
        elif kind == RetentionPolicy.Kind.ATTACHMENTS:
            for attachments in entries.exclude(attachments=[]).values_list(
                "attachments", flat=True
            ):
                files += [str(a["storage_key"]) for a in attachments if a.get("storage_key")]
            entries.exclude(attachments=[]).update(attachments=[])
            AttachmentRef.objects.filter(interaction_id__in=ids, storage_key__in=files).delete()
    return sorted(set(files))


def retention_loop():
    from contactcenter.workers.loop import Loop

    def step() -> int:
        purge_due()
        return 0  # wait the full period

    return Loop("retention", step, idle=CHECK_EVERY_SECONDS)
