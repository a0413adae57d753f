"""A room, tick by tick, with legs that keep what they are handed: hold puts music (never
silence) in the caller's ear and nobody's voice; keypad tones reach the caller only; a leg
that falls behind is counted, not allowed to delay the others. Pure: no server."""

import asyncio
import time

import numpy as np

from channels_adapters.voice.media import codec, tones
from channels_adapters.voice.media.mixing import AGENT, CUSTOMER
from channels_adapters.voice.media.room import CALM_TICKS, PREBUFFER, SETTLE_TICKS, Leg, Room


def voice(level: int) -> np.ndarray:
    return np.full(codec.FRAME_SAMPLES, level, dtype=np.int16)


class Ear:
    def __init__(self):
        self.heard: list[np.ndarray] = []

    async def __call__(self, pcm):
        self.heard.append(pcm)


def a_call() -> tuple[Room, Leg, Leg, Ear, Ear]:
    music = (np.sin(np.arange(8000) / 3) * 3000).astype(np.int16)
    room = Room("i-1", music)
    customer_ear, agent_ear = Ear(), Ear()
    customer, agent = Leg("c", CUSTOMER, customer_ear), Leg("a", AGENT, agent_ear)
    room.legs = {"c": customer, "a": agent}  # added without the clock: ticked by hand
    return room, customer, agent, customer_ear, agent_ear


async def speak_and_tick(room, customer, agent, ticks=5):
    for _ in range(ticks):
        customer.put(voice(1000))
        agent.put(voice(-700))
        await room.tick()


async def test_they_hear_each_other_and_nobody_hears_themselves():
    room, customer, agent, customer_ear, agent_ear = a_call()
    await speak_and_tick(room, customer, agent)
    assert (customer_ear.heard[-1] == -700).all()
    assert (agent_ear.heard[-1] == 1000).all()


async def test_on_hold_the_caller_hears_music_and_the_agent_nothing():
    room, customer, agent, customer_ear, agent_ear = a_call()
    room.state.held = True
    await speak_and_tick(room, customer, agent)
    held = np.concatenate(customer_ear.heard[2:])
    assert not np.isin(held, [-700]).all() and np.abs(held).max() > 1000  # music
    assert not np.concatenate(agent_ear.heard).any()
    room.state.held = False
    await speak_and_tick(room, customer, agent)
    assert (customer_ear.heard[-1] == -700).all()


async def test_keypad_tones_reach_the_caller_only():
    room, _customer, _agent, customer_ear, agent_ear = a_call()
    room.play_to(CUSTOMER, tones.dtmf("5"))
    for _ in range(8):
        await room.tick()
    heard = np.concatenate(customer_ear.heard).astype(float)
    spectrum = np.abs(np.fft.rfft(heard))
    frequencies = np.fft.rfftfreq(len(heard), 1 / codec.RATE)
    strongest = sorted(frequencies[np.argsort(spectrum)[-40:]])
    assert any(abs(f - 770) < 15 for f in strongest) and any(abs(f - 1336) < 15 for f in strongest)
    assert not np.concatenate(agent_ear.heard).any()


async def test_a_burst_is_trimmed_and_counted_and_a_gap_is_silence_then_prebuffered():
    room, customer, _agent, _c, agent_ear = a_call()
    for _ in range(30):
        customer.put(voice(1000))
    await room.tick()
    assert customer.lost == 5  # beyond the 500 ms the buffer holds
    assert customer.late > 0  # and the delay brought back down
    while customer.inbound:
        await room.tick()
    await room.tick()
    assert customer.underruns == 1 and not agent_ear.heard[-1].any()


async def test_a_starved_room_restarts_its_clock_instead_of_bursting():
    """A bug: after a stall the schedule went further into the past, and the room ticked
    flat out, flooding every leg."""

    room, customer, _agent, customer_ear, _a = a_call()
    room.legs = {}
    room.add(customer)  # the clock runs
    await asyncio.sleep(0.1)
    time.sleep(0.5)  # the process is starved for half a second
    before = len(customer_ear.heard)
    await asyncio.sleep(0.2)
    room.legs.clear()
    assert len(customer_ear.heard) - before <= 0.2 / 0.02 + 3  # no burst of 25 catch-up ticks


async def test_delay_a_burst_left_in_a_legs_buffer_drains_back_to_the_prebuffer():
    """A bug: after a burst the buffer kept its depth as long as the leg kept talking, and
    every frame after it was heard that much later (100-170 ms in `bench voice`)."""
    room, customer, agent, _c, _a = a_call()
    for _ in range(PREBUFFER + 4):  # a burst: four frames more than the leg needs
        customer.put(voice(1000))
    waiting = []
    for _ in range(SETTLE_TICKS * 6):
        customer.put(voice(1000))  # then one a tick, steadily
        agent.put(voice(-700))
        await room.tick()
        waiting.append(len(customer.inbound))

    assert waiting[0] == PREBUFFER + 4
    assert waiting[-1] == PREBUFFER - 1  # (after this tick's frame was taken)
    assert customer.late == 5 and customer.underruns == 0  # skipped one at a time, never dry


async def test_a_steady_leg_loses_nothing_to_settling():
    room, customer, agent, _c, _a = a_call()
    await speak_and_tick(room, customer, agent, ticks=SETTLE_TICKS * 8)

    assert customer.late == 0 and agent.late == 0


async def test_a_leg_that_keeps_time_is_heard_one_frame_deep_and_after_running_dry_two():
    """Latency: a leg whose frames come steadily settles to the frame the tick takes, so what
    it says waits only for the tick (20 ms less each way); once it runs dry it is held
    PREBUFFER frames deep again until it has been steady for as long."""
    room, customer, agent, _c, _a = a_call()
    await speak_and_tick(room, customer, agent, ticks=CALM_TICKS - SETTLE_TICKS)
    assert len(customer.inbound) == PREBUFFER - 1  # (after this tick's frame was taken)

    await speak_and_tick(room, customer, agent, ticks=SETTLE_TICKS * 3)
    assert len(customer.inbound) == 0 and len(agent.inbound) == 0
    assert customer.late == 1 and customer.underruns == 0  # one frame skipped, once

    agent.put(voice(-700))  # the customer's next frame is late: the leg runs dry
    await room.tick()
    assert customer.underruns == 1
    await speak_and_tick(room, customer, agent, ticks=CALM_TICKS - SETTLE_TICKS)
    assert len(customer.inbound) == PREBUFFER - 1 and customer.late == 1


async def test_a_leg_not_connected_yet_is_sent_nothing_to_pile_up():
    room, customer, agent, _c, agent_ear = a_call()
    agent.connected = False

    await speak_and_tick(room, customer, agent)
    assert agent_ear.heard == []
    agent.connected = True
    await speak_and_tick(room, customer, agent, ticks=1)

    assert len(agent_ear.heard) == 1
