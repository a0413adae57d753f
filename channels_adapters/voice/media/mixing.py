"""Who hears whom in a call. Pure: the rules of hold, consult, whisper, listen and barge as
data, and the sum of the frames a listener hears. A room applies them every 20 ms."""

from dataclasses import dataclass, field

import numpy as np

CUSTOMER, AGENT, SUPERVISOR = "customer", "agent", "supervisor"
LISTEN, WHISPER, BARGE = "listen", "whisper", "barge"
SUPERVISION_MODES = (LISTEN, WHISPER, BARGE)


@dataclass
class CallState:
    """What the mix depends on: is the customer held, are the agents consulting (the customer
    on hold while the agent talks to a colleague), how a supervisor takes part."""

    held: bool = False
    consulting: bool = False
    supervision: dict[str, str] = field(default_factory=dict)  # supervisor leg id -> mode

    @property
    def on_hold(self) -> bool:
        """The customer hears the music and nobody hears them."""
        return self.held or self.consulting


def audible(listener_role: str, listener: str, speaker_role: str, speaker: str, state: CallState):
    """Does `listener` hear `speaker`? Nobody hears themselves; a held customer hears only the
    music (a consult holds them too: the agents hear each other only); listen is heard by
    nobody, whisper by agents only, barge by everyone."""
    if listener == speaker:
        return False
    if speaker_role == SUPERVISOR:
        mode = state.supervision.get(speaker, LISTEN)
        return mode == BARGE or (mode == WHISPER and listener_role == AGENT)
    if listener_role == SUPERVISOR:
        return True
    return not (state.on_hold and CUSTOMER in (listener_role, speaker_role))


def mix(frames: list[np.ndarray], length: int) -> np.ndarray:
    """The sum of the frames, clipped to 16 bits (no frame: silence)."""
    if len(frames) == 1 and len(frames[0]) == length and frames[0].dtype == np.int16:
        return frames[0]  # a listener hearing one speaker, as most do most of the time
    total = np.zeros(length, dtype=np.int32)
    for frame in frames:
        total[: len(frame)] += frame
    return np.clip(total, -32768, 32767).astype(np.int16)
