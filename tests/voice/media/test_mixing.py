"""Who hears whom: hold, consult, listen, whisper, barge. Pure."""

import numpy as np

from channels_adapters.voice.media import codec, mixing
from channels_adapters.voice.media.mixing import AGENT, CUSTOMER, SUPERVISOR, CallState


def hears(listener: str, speaker: str, state: CallState) -> bool:
    return mixing.audible(listener, listener, speaker, speaker, state)


def test_customer_and_agent_hear_each_other_but_not_themselves():
    state = CallState()
    assert hears(CUSTOMER, AGENT, state) and hears(AGENT, CUSTOMER, state)
    assert not mixing.audible(AGENT, "a", AGENT, "a", state)


def test_on_hold_neither_hears_the_other():
    state = CallState(held=True)
    assert not hears(CUSTOMER, AGENT, state) and not hears(AGENT, CUSTOMER, state)


def test_in_a_consult_the_two_agents_hear_each_other_and_the_customer_neither():
    state = CallState(consulting=True)
    agent, colleague = (AGENT, "agent-1"), (AGENT, "agent-2")
    assert mixing.audible(*agent, *colleague, state) and mixing.audible(*colleague, *agent, state)
    assert not mixing.audible(CUSTOMER, "caller", *agent, state)
    assert not mixing.audible(*colleague, CUSTOMER, "caller", state)
    joined = CallState()  # three-way: everyone hears everyone
    assert mixing.audible(CUSTOMER, "caller", *colleague, joined)
    assert mixing.audible(*colleague, CUSTOMER, "caller", joined)


def test_a_listening_supervisor_hears_both_and_is_heard_by_nobody():
    state = CallState(supervision={SUPERVISOR: mixing.LISTEN})
    assert hears(SUPERVISOR, CUSTOMER, state) and hears(SUPERVISOR, AGENT, state)
    assert not hears(CUSTOMER, SUPERVISOR, state) and not hears(AGENT, SUPERVISOR, state)


def test_a_whisper_reaches_only_the_agent_and_a_barge_everyone():
    whisper = CallState(supervision={SUPERVISOR: mixing.WHISPER})
    assert hears(AGENT, SUPERVISOR, whisper) and not hears(CUSTOMER, SUPERVISOR, whisper)
    barge = CallState(supervision={SUPERVISOR: mixing.BARGE})
    assert hears(AGENT, SUPERVISOR, barge) and hears(CUSTOMER, SUPERVISOR, barge)


def test_the_mix_is_the_clipped_sum():
    loud = np.full(codec.FRAME_SAMPLES, 30000, dtype=np.int16)
    quiet = np.full(codec.FRAME_SAMPLES, 100, dtype=np.int16)
    assert mixing.mix([loud, loud], codec.FRAME_SAMPLES)[0] == 32767
    assert mixing.mix([quiet, quiet], codec.FRAME_SAMPLES)[0] == 200
    assert not mixing.mix([], codec.FRAME_SAMPLES).any()


def test_mulaw_round_trip_keeps_the_waveform():
    t = np.arange(codec.FRAME_SAMPLES * 10)
    tone = (np.sin(2 * np.pi * 440 * t / codec.RATE) * 8000).astype(np.int16)
    mulaw = codec.Mulaw()
    encoded = mulaw.encode(tone)
    assert len(encoded) == len(tone)  # a byte a sample
    back = mulaw.decode(encoded)
    assert np.corrcoef(back, tone)[0, 1] > 0.999
