"""A call's audio, in the process that terminates it: each leg (the caller's Media Stream, the
agent's WebRTC peer, a supervisor's) feeds 20 ms frames in, and every 20 ms the room hands each
leg the mix it should hear (`mixing.audible`): hold music for a caller with nobody to talk to.
Recorders tap the customer's and the agent's frames as they are mixed."""

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np

from channels_adapters.voice.media import codec, mixing

log = logging.getLogger(__name__)

JITTER_FRAMES = 25  # 500 ms of a leg's audio waits at most; more is dropped (lost frames)
PREBUFFER = 2  # frames a leg gathers before it is heard (again): 40 ms against jitter
LATE = 8  # more than this waiting (160 ms) after a burst: the oldest is skipped (late)
# A leg whose buffer never ran below its depth + 1 frames for this many ticks (half a second)
# carries delay it does not need (what a burst left): one frame is skipped, 20 ms less, and so
# on each half second until it is back at its depth (`Leg.depth`). Without it a burst's delay
# stayed until the leg next ran dry: 100-170 ms of the platform's added latency.
SETTLE_TICKS = 25
# A leg that has not run dry for this many ticks (5 s) arrives steadily enough to be heard one
# frame deep: its buffer settles to the frame being taken, and what it says waits only for the
# tick (0-20 ms) instead of a frame more (20 ms of added latency each way). Running dry puts
# it back to PREBUFFER frames for as long again: an adaptive jitter buffer, deep only while
# the leg's frames come unevenly.
CALM_TICKS = 250
TICK = codec.FRAME_MS / 1000
CATCH_UP = 0.2  # a tick later than this is not caught up with (a burst): the clock restarts


@dataclass(eq=False)
class Leg:
    leg_id: str
    role: str  # mixing.CUSTOMER, AGENT, SUPERVISOR
    deliver: Callable[[np.ndarray], Awaitable[None]]
    inbound: deque = field(default_factory=lambda: deque(maxlen=JITTER_FRAMES))
    received: int = 0
    lost: int = 0  # frames dropped because the leg sent faster than the room mixed
    underruns: int = 0  # ticks that found nothing to play after the leg had begun
    late: int = 0  # frames skipped to keep the delay down after a burst
    ended: str = ""  # why the leg ended, once it has
    connected: bool = True  # a WebRTC leg is not, until ICE and DTLS are done
    playing: bool = False
    longest_silence: float = 0.0  # the longest wait between two frames from the leg, seconds
    _last_put: float = 0.0
    _shallowest: int = JITTER_FRAMES  # the fewest frames waiting at a tick in this window
    _window: int = 0
    _calm: int = 0  # ticks played since the leg last ran dry

    def put(self, pcm: np.ndarray) -> None:
        """A frame this leg said (any length: cut into 20 ms pieces by the caller's codec)."""
        self.received += 1
        now = time.monotonic()
        if self._last_put:
            self.longest_silence = max(self.longest_silence, now - self._last_put)
        self._last_put = now
        if len(self.inbound) == self.inbound.maxlen:
            self.lost += 1
        self.inbound.append(pcm)

    def take(self) -> np.ndarray:
        """The next 20 ms to mix; after a gap, silence until PREBUFFER frames wait again, so
        one late packet costs one gap, not a gap every other tick."""
        if not self.playing and len(self.inbound) >= PREBUFFER:
            self.playing = True
        if not self.playing:
            return codec.silence()
        if not self.inbound:
            self.playing = False
            self.underruns += 1
            self._shallowest, self._window, self._calm = JITTER_FRAMES, 0, 0
            return codec.silence()
        while len(self.inbound) > LATE:
            self.inbound.popleft()
            self.late += 1
        self._settle()
        return self.inbound.popleft()

    @property
    def depth(self) -> int:
        """The frames this leg settles to at a tick (the one taken included)."""
        return 1 if self._calm >= CALM_TICKS else PREBUFFER

    def _settle(self) -> None:
        self._shallowest = min(self._shallowest, len(self.inbound))
        self._window += 1
        self._calm += 1
        if self._window < SETTLE_TICKS:
            return
        if self._shallowest > self.depth and len(self.inbound) > 1:
            self.inbound.popleft()
            self.late += 1
        self._shallowest, self._window = JITTER_FRAMES, 0


class Music:
    """Hold music, looped frame by frame."""

    def __init__(self, samples: np.ndarray):
        whole = max(1, len(samples) // codec.FRAME_SAMPLES)
        self._samples = np.resize(samples, whole * codec.FRAME_SAMPLES).astype(np.int16)
        self._at = 0

    def next(self) -> np.ndarray:
        frame = self._samples[self._at : self._at + codec.FRAME_SAMPLES]
        self._at = (self._at + codec.FRAME_SAMPLES) % len(self._samples)
        return frame


Tap = Callable[[dict[str, np.ndarray]], None]  # role -> the frame that role said this tick


class Room:
    def __init__(self, key: str, music: np.ndarray):
        self.key = key
        self.legs: dict[str, Leg] = {}
        self.state = mixing.CallState()
        self.music = Music(music)
        self.taps: list[Tap] = []
        self.prompts: dict[str, deque] = {}  # role -> frames played to it over the mix
        self.ticks = 0
        self.latest_tick = 0.0  # the most a tick ran behind its schedule, seconds
        self._task: asyncio.Task | None = None

    def add(self, leg: Leg) -> None:
        self.legs[leg.leg_id] = leg
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def remove(self, leg_id: str, reason: str) -> Leg | None:
        leg = self.legs.pop(leg_id, None)
        if leg is not None:
            leg.ended = reason
            log.info(
                "call %s: %s leg %s ended: %s (%d frames, %d lost, %d late, %d gaps; "
                "longest wait for a frame %.0f ms, a tick at most %.0f ms late)",
                self.key,
                leg.role,
                leg_id,
                reason,
                leg.received,
                leg.lost,
                leg.late,
                leg.underruns,
                leg.longest_silence * 1000,
                self.latest_tick * 1000,
            )
        return leg

    def play_to(self, role: str, samples: np.ndarray) -> None:
        """Mix `samples` into what every leg of `role` hears (keypad tones, announcements)."""
        frames = self.prompts.setdefault(role, deque())
        padded = np.resize(samples, -(-len(samples) // codec.FRAME_SAMPLES) * codec.FRAME_SAMPLES)
        padded[len(samples) :] = 0
        frames.extend(padded.reshape(-1, codec.FRAME_SAMPLES))

    def has(self, role: str) -> bool:
        return any(leg.role == role for leg in self.legs.values())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start, skipped = loop.time(), 0
        while self.legs:
            behind = loop.time() - (start + (self.ticks + skipped) * TICK)
            self.latest_tick = max(self.latest_tick, behind)
            if behind > CATCH_UP:  # the process was starved: start the clock again, no burst
                skipped += int(behind / TICK)
            await self.tick()
            self.ticks += 1
            await asyncio.sleep(max(0.0, start + (self.ticks + skipped) * TICK - loop.time()))
        ROOMS.pop(self.key, None)

    async def tick(self) -> None:
        legs = list(self.legs.values())
        said = {leg.leg_id: leg.take() for leg in legs}
        if self.taps:
            # By role: in a three-way call both agents are the agent's channel.
            by_role: dict[str, list[np.ndarray]] = {}
            for leg in legs:
                if leg.role != mixing.SUPERVISOR:
                    by_role.setdefault(leg.role, []).append(said[leg.leg_id])
            frames = {
                role: heard[0] if len(heard) == 1 else mixing.mix(heard, codec.FRAME_SAMPLES)
                for role, heard in by_role.items()
            }
            for tap in self.taps:
                tap(frames)
        nobody = not any(leg.role == mixing.AGENT and leg.connected for leg in legs)
        for leg in legs:
            if not leg.connected:  # (a WebRTC leg before ICE: what it was sent would wait)
                continue
            heard = [
                said[other.leg_id]
                for other in legs
                if mixing.audible(leg.role, leg.leg_id, other.role, other.leg_id, self.state)
            ]
            if leg.role == mixing.CUSTOMER and (self.state.on_hold or nobody):
                heard.append(self.music.next())
            if self.prompts.get(leg.role):
                heard.append(self.prompts[leg.role].popleft())
            try:
                await leg.deliver(mixing.mix(heard, codec.FRAME_SAMPLES))
            except Exception as error:  # one broken leg must not silence the others
                log.warning("call %s: could not deliver to %s: %s", self.key, leg.leg_id, error)


ROOMS: dict[str, Room] = {}


def room(key: str) -> Room:
    """The room of a call (its interaction id) in this process, made on first use."""
    from channels_adapters.voice.media import music

    if key not in ROOMS:
        ROOMS[key] = Room(key, music.hold_music())
    return ROOMS[key]
