"""What a browser says goes from aiortc's receiver straight into the room (`inbound`): each
packet is a frame the moment it arrives, a late or repeated one is dropped, and the Opus is
decoded in the event loop into the room's 8 kHz frames. The parts replaced are aiortc's own
(private) ones: the first test fails if a new aiortc no longer has them."""

import asyncio
import queue

import numpy as np
import pytest
from aiortc import RTCPeerConnection, RTCRtpCodecParameters
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtp import RtpPacket

from channels_adapters.voice.media import codec, inbound
from channels_adapters.voice.media.mixing import AGENT
from channels_adapters.voice.media.room import Leg
from tests.voice.media.test_codec import tone

OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)


async def nobody_listens(pcm) -> None:
    pass


def a_leg() -> Leg:
    return Leg("browser", AGENT, nobody_listens)


def test_a_browsers_offer_gets_receivers_that_feed_the_leg_directly():
    async def answer():
        browser, server = RTCPeerConnection(), RTCPeerConnection()
        browser.addTransceiver("audio")
        await browser.setLocalDescription(await browser.createOffer())
        await server.setRemoteDescription(browser.localDescription)
        leg = a_leg()
        replaced = inbound.receive_into(server, leg)
        (receiver,) = [t.receiver for t in server.getTransceivers()]
        parts = (
            getattr(receiver, inbound.JITTER_BUFFER),
            getattr(receiver, inbound.DECODER_QUEUE),
        )
        await browser.close()
        await server.close()
        return replaced, parts, leg

    replaced, (jitter_buffer, decoder_queue), leg = asyncio.run(answer())
    assert replaced
    assert isinstance(jitter_buffer, inbound.Arrivals)
    assert isinstance(decoder_queue, inbound.Decoding) and decoder_queue.leg is leg


def packet(sequence: int) -> RtpPacket:
    sent = RtpPacket(payload_type=111, sequence_number=sequence, timestamp=sequence * 960)
    sent._data = bytes([sequence % 256])
    return sent


def test_each_packet_is_a_frame_as_it_arrives_and_a_late_or_repeated_one_is_dropped():
    leg = a_leg()
    arrivals = inbound.Arrivals(leg)
    handed_on = []
    for sequence in (65534, 65535, 0, 1, 0, 65535, 1, 5, 3, 6):
        asks_for_key_frame, frame = arrivals.add(packet(sequence))
        assert not asks_for_key_frame
        handed_on.append(frame.timestamp // 960 if frame else None)
    # Across the wrap; 0 and 65535 again are late, 1 repeated, 3 late after 5 (4 never came).
    assert handed_on == [65534, 65535, 0, 1, None, None, None, 5, None, 6]
    assert arrivals.dropped == 4
    assert leg.late == 4  # in the leg's count of late frames, which its end logs
    # A sender that starts its numbers again far behind is followed, not ignored for good.
    assert arrivals.add(packet((6 - 1000) % 65536))[1] is not None


def test_a_browsers_opus_enters_the_room_in_the_packet_it_came_in_and_sounds_the_same():
    said = tone(50)
    opus = codec.ToOpus()  # a browser's encoder stands in: the same libopus
    leg = a_leg()
    decoding = inbound.Decoding(leg)
    for at in range(0, len(said), codec.FRAME_SAMPLES):
        (sent,) = opus.encode(said[at : at + codec.FRAME_SAMPLES])
        before = leg.received
        decoding.put((OPUS, JitterFrame(data=bytes(sent), timestamp=at * 6)))
        assert leg.received == before + 1  # a whole frame, at once
    assert all(len(frame) == codec.FRAME_SAMPLES for frame in leg.inbound)
    heard = np.concatenate(list(leg.inbound))  # the newest half second the leg holds
    said = said[-len(heard) :]
    # Opus's look-ahead delays it a little; past that, the same tone.
    best = max(np.corrcoef(heard[lag:], said[: len(said) - lag])[0, 1] for lag in range(160))
    assert best > 0.95


def test_packets_that_do_not_decode_are_gaps_said_once_and_the_next_good_one_plays(caplog):
    leg = a_leg()
    decoding = inbound.Decoding(leg)
    opus = codec.ToOpus()
    for n in range(3):  # not Opus
        decoding.put((OPUS, JitterFrame(data=b"\xff" * 3, timestamp=n * 960)))
    (sent,) = opus.encode(tone(1))
    decoding.put((OPUS, JitterFrame(data=bytes(sent), timestamp=3 * 960)))
    assert caplog.text.count("did not decode") == 1  # said once, then counted
    assert decoding.undecodable == 3
    assert leg.received == 1 and len(leg.inbound[0]) == codec.FRAME_SAMPLES


def test_the_decoder_thread_aiortc_starts_waits_until_the_receiver_stops():
    decoding = inbound.Decoding(a_leg())
    with pytest.raises(queue.Empty):  # as a queue would, for a thread that waits a while
        decoding.get(timeout=0.01)
    with pytest.raises(queue.Empty):
        decoding.get(block=False)
    decoding.put(None)  # the receiver stopping
    assert decoding.get() is None  # at once: the thread ends the track and exits


def test_a_browser_that_chose_g711_is_decoded_by_aiortcs_own_decoder_into_the_same_frames():
    pcmu = RTCRtpCodecParameters(mimeType="audio/PCMU", clockRate=8000, channels=1, payloadType=0)
    said = tone(30)
    leg = a_leg()
    decoding = inbound.Decoding(leg)
    for at in range(0, len(said), codec.FRAME_SAMPLES):
        payload = codec.Mulaw().encode(said[at : at + codec.FRAME_SAMPLES])
        decoding.put((pcmu, JitterFrame(data=payload, timestamp=at)))
    assert leg.received == 30
    assert all(len(frame) == codec.FRAME_SAMPLES for frame in leg.inbound)
    heard = np.concatenate(list(leg.inbound))
    said = said[-len(heard) :]
    best = max(np.corrcoef(heard[lag:], said[: len(said) - lag])[0, 1] for lag in range(160))
    assert best > 0.95


def test_a_receiver_not_built_as_expected_keeps_aiortcs_own_path_and_says_so(caplog):
    class Receiver:  # a future aiortc's, without the parts replaced here
        pass

    class Transceiver:
        kind, receiver = "audio", Receiver()

    class Connection:
        def getTransceivers(self):
            return [Transceiver()]

    assert inbound.receive_into(Connection(), a_leg()) is False
    assert "aiortc's receiver has changed" in caplog.text
    assert not hasattr(Transceiver.receiver, inbound.JITTER_BUFFER)
