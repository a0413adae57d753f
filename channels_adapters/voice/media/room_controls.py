"""A call control from the agent's console (voice/controls.py sends it to the call's group) as
the room carries it out: the same for a caller on the phone (consumer.py) and one in a browser
(webcall_socket.py), in whichever process holds the call's room."""

import asyncio

from channels_adapters.voice.media import tones
from channels_adapters.voice.media.mixing import CUSTOMER
from channels_adapters.voice.media.recording import Recorder
from channels_adapters.voice.media.room import Room
from channels_adapters.voice.media.views import release

_leaving: set[asyncio.Task] = set()  # agents' legs being ended (a task needs a reference)


def carry_out(call_room: Room, recorder: Recorder | None, message: dict) -> None:
    action = message["action"]
    if action in ("hold", "resume"):
        call_room.state.held = action == "hold"
    elif action in ("pause-recording", "resume-recording"):
        if recorder is not None:
            recorder.paused = action == "pause-recording"
    elif action == "dtmf":
        call_room.play_to(CUSTOMER, tones.dtmf(message["digits"]))
    elif action in ("consult", "join"):
        # In a consult the customer hears music and the two agents only each other.
        call_room.state.consulting = action == "consult"
    elif action == "release":
        # An agent's softphone leaves the call (transferred, handed over, a consult that
        # ended); the one who stays talks with the customer again.
        call_room.state.consulting = False
        # Off the caller's turn: their frames keep flowing while the agent's leg closes.
        leaving = release(call_room.key, message["agent_id"], message["reason"])
        _leaving.add(task := asyncio.get_running_loop().create_task(leaving))
        task.add_done_callback(_leaving.discard)
