"""What the media legs mean for the call, in the log: a stream or a softphone joined or left.
Synchronous (ORM); the consumer and the signalling view call these off the event loop. A leg
that broke while the caller was talking to an agent puts the caller back at the head of the
line (the room plays them hold music meanwhile): never silence."""

import logging

import numpy as np
from django.core.files.storage import storages

from channels_adapters.voice.call import VoiceCall
from channels_adapters.voice.calls import record
from channels_adapters.voice.media import codec
from channels_adapters.voice.models import Call, RecordingPolicy
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from routing import offers

log = logging.getLogger(__name__)


def stream_started(call_sid: str, interaction_id: str, stream_sid: str) -> None:
    record(
        interaction_id,
        lambda voice: voice.stream_started(call_sid, stream_sid),
        key=f"media-stream:{stream_sid}:started",
    )


def stream_ended(call_sid: str, interaction_id: str, stream_sid: str, reason: str) -> None:
    record(
        interaction_id,
        lambda voice: voice.stream_ended(call_sid, stream_sid, reason),
        key=f"media-stream:{stream_sid}:ended",
    )
    if reason != "stop":
        _requeue(interaction_id, f"the call's audio stream ended: {reason}")


def recording_policy(interaction_id: str) -> tuple[bool, np.ndarray | None]:
    """Whether the call's queue records it, and its consent announcement (decoded)."""
    row = Interaction.objects.filter(pk=interaction_id).first()
    policy = RecordingPolicy.objects.filter(queue_id=row.queue_id).first() if row else None
    if policy is None:
        return True, None
    announcement = None
    if policy.announcement:
        with storages["default"].open(policy.announcement.name, "rb") as file:
            announcement = codec.load(file)
    return policy.record, announcement


def recording_saved(recorder) -> None:
    """Store the finished recording and say so in the log (nothing when nothing was heard, or
    when the customer was erased while the call went on: nothing more of theirs is kept)."""
    from contactcenter.privacy.shredding import is_erased

    if not recorder.frames:
        return
    row = Interaction.objects.filter(pk=recorder.interaction_id).first()
    if row is not None and row.customer_id and is_erased(row.customer_id):
        log.info("call %s: its customer is erased; the recording is not kept", row.pk)
        return
    name = recorder.save()
    record(
        recorder.interaction_id,
        lambda voice: voice.recording_saved(
            recorder.call_sid,
            name,
            seconds=recorder.seconds,
            paused_seconds=recorder.paused_frames * 0.02,
        ),
        key=f"recording:{recorder.name}",
    )


def live_call_of(interaction_id: str, agent_id: int) -> Call:
    """The live call the agent is on (only they may connect its audio); raises DomainError."""
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None or row.channel != "voice":
        raise DomainError("no such call")
    if row.state != "active" or (
        row.agent_id != agent_id and not VoiceCall.load(interaction_id).consulted(agent_id)
    ):
        raise DomainError("only the agent on the call (or a colleague it consults) can connect")
    call = Call.objects.filter(interaction_id=interaction_id, ended_at__isnull=True).first()
    if call is None:
        raise DomainError("the call has ended")
    return call


def softphone_connected(interaction_id: str, agent_id: int) -> None:
    record(interaction_id, lambda voice: voice.softphone_connected(agent_id))


HUNG_UP = "hung up"


def softphone_disconnected(interaction_id: str, agent_id: int, reason: str) -> bool:
    """The agent's leg ended: by hanging up (the call goes on to wrap-up or a colleague), or
    broken, and then the caller goes back to the head of the line. A consulted colleague's leg
    ending ends the consult: True then."""
    requeued = reason != HUNG_UP and _requeue(
        interaction_id, f"the agent's softphone: {reason}", agent_id
    )
    recorded = record(
        interaction_id,
        lambda voice: voice.softphone_disconnected(agent_id, reason, requeued=requeued),
    )
    return any(event.type == "ConsultEnded" for event in recorded)


def _requeue(interaction_id: str, note: str, agent_id: int | None = None) -> bool:
    """Back to its queue, keeping its age (the head of the line), if an agent still has it."""
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None or row.state != "active" or row.agent_id is None:
        return False
    if agent_id is not None and row.agent_id != agent_id:
        return False
    try:
        offers.transfer(
            interaction_id,
            by_agent_id=row.agent_id,
            kind="queue",
            to_queue_id=row.queue_id,
            note=note,
        )
    except DomainError as error:
        log.warning("could not put %s back in line: %s", interaction_id, error)
        return False
    return True


def supervisable(interaction_id: str) -> None:
    """A live call on the platform's media path; raises DomainError."""
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None or row.channel != "voice" or row.state != "active":
        raise DomainError("no call in progress there")
    if (
        not Call.objects.filter(interaction_id=interaction_id, ended_at__isnull=True)
        .exclude(stream_sid="")
        .exists()
    ):
        raise DomainError("the call's audio is not on the platform")


def supervision_started(interaction_id: str, supervisor_id: int, mode: str) -> None:
    record(interaction_id, lambda voice: voice.supervision_started(supervisor_id, mode))


def supervision_ended(interaction_id: str, supervisor_id: int, reason: str) -> None:
    record(interaction_id, lambda voice: voice.supervision_ended(supervisor_id, reason))
