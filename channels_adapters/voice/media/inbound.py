"""What a browser says, from aiortc's RTP receiver straight into the room.

aiortc's audio receiver holds four packets in a jitter buffer before it lets the first one
through (80 ms), then hands every packet to a decoder thread, which passes each decoded frame
back to the event loop as a task of its own. A room has a jitter buffer of its own (`room.Leg`,
adaptive) and one event loop for all its legs, so for a platform leg that was 60 ms more delay
on everything a browser says, and a fifth of the server's CPU per call in the hops to the
thread and back (docs/benchmarks.md, Voice). Two parts of each audio receiver are replaced
once the browser's offer is set, before any packet arrives:

- `Arrivals` for its jitter buffer: an audio RTP packet is a whole frame (an Opus packet per
  RTP packet, RFC 7587; G.711 likewise), so each goes on as it arrives, and one older than the
  newest already gone on (reordered, or repeated) is dropped: the room has moved past it.
- `Decoding` for its decoder thread's queue: each packet decoded in the event loop as it
  arrives, into the room's 20 ms at 8 kHz straight into the leg — Opus to mono
  (`codec.FromOpus`), any other codec a browser may choose by aiortc's own decoder. The thread
  aiortc starts all the same waits on it until the receiver stops, then ends the track as it
  always does.

Both parts are aiortc's private attributes (pinned by tests/voice/media/test_inbound.py): a
receiver not built as this expects keeps aiortc's own path, with a warning, and still works.
"""

import logging
import queue
import threading
from collections.abc import Callable

import numpy as np
from aiortc import RTCPeerConnection
from aiortc.codecs import get_decoder
from aiortc.jitterbuffer import JitterFrame

from channels_adapters.voice.media import codec
from channels_adapters.voice.media.room import Leg

log = logging.getLogger(__name__)

JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"
DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
DECODER_THREAD = "_RTCRtpReceiver__decoder_thread"
MISORDER = 100  # packets: further behind than this is a sender that started again, not late
SEQUENCES = 1 << 16


class Arrivals:
    """In place of an audio receiver's jitter buffer (`JitterBuffer.add`'s contract). A packet
    dropped as late counts among the leg's late frames too, which its end's log line gives."""

    def __init__(self, leg: Leg) -> None:
        self.leg = leg
        self.newest: int | None = None
        self.dropped = 0

    def add(self, packet) -> tuple[bool, JitterFrame | None]:
        """(ask for a key frame: never for audio, the frame to decode now or None)."""
        sequence = packet.sequence_number
        if self.newest is not None and (self.newest - sequence) % SEQUENCES <= MISORDER:
            self.dropped += 1
            self.leg.late += 1
            return False, None
        self.newest = sequence
        return False, JitterFrame(data=packet._data, timestamp=packet.timestamp)


class Decoding:
    """In place of the queue to an audio receiver's decoder thread (`put` is called in the
    event loop by the receiver for each frame, and with None as it stops; `get` by the
    thread)."""

    def __init__(self, leg: Leg) -> None:
        self.leg = leg
        self._decode: Callable[[JitterFrame], list[np.ndarray]] | None = None
        self._codec_name = ""
        self._stopped = threading.Event()
        self.undecodable = 0  # packets

    def put(self, item) -> None:
        if item is None:
            self._stopped.set()
            return
        rtp_codec, encoded = item
        if rtp_codec.name != self._codec_name:
            self._decode, self._codec_name = decoder(rtp_codec), rtp_codec.name
        try:
            frames = self._decode(encoded)
        except Exception as error:  # one bad packet is a gap, not the end of the leg
            # Said once, then counted: a broken sender would otherwise log 50 lines a second.
            self.undecodable += 1
            if self.undecodable == 1:
                log.warning("leg %s: a packet did not decode: %s", self.leg.leg_id, error)
            return
        for pcm in frames:
            self.leg.put(pcm)

    def get(self, block: bool = True, timeout: float | None = None) -> None:
        """What the decoder thread waits for: nothing, until the receiver stops (then None, its
        signal to end). As `queue.Queue.get`: a wait that times out raises `queue.Empty`."""
        if not self._stopped.wait(timeout if block else 0):
            raise queue.Empty


def decoder(rtp_codec) -> Callable[[JitterFrame], list[np.ndarray]]:
    """A codec's packets as the room's frames."""
    if rtp_codec.mimeType.lower() == "audio/opus":
        opus = codec.FromOpus()
        return lambda encoded: opus.decode(encoded.data)
    theirs, to_room = get_decoder(rtp_codec), codec.ToRoom()
    return lambda encoded: [pcm for frame in theirs.decode(encoded) for pcm in to_room.push(frame)]


def receive_into(pc: RTCPeerConnection, leg: Leg) -> bool:
    """Each audio receiver of `pc` feeds `leg` directly (call after setRemoteDescription, before
    the connection starts). False where this aiortc's receiver is not as expected: it then
    delivers decoded frames to its track as usual."""
    receivers = [t.receiver for t in pc.getTransceivers() if t.kind == "audio"]
    for receiver in receivers:
        parts = (JITTER_BUFFER, DECODER_QUEUE, DECODER_THREAD)
        if not all(hasattr(receiver, part) for part in parts):
            log.warning("aiortc's receiver has changed: its own jitter buffer and thread decode")
            return False
        if getattr(receiver, DECODER_THREAD) is not None:
            raise RuntimeError("the receiver has started: its parts can no longer be replaced")
    for receiver in receivers:
        setattr(receiver, JITTER_BUFFER, Arrivals(leg))
        setattr(receiver, DECODER_QUEUE, Decoding(leg))
    return bool(receivers)
