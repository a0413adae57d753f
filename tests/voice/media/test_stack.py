"""A process's first leg loads the media stack (aiortc, PyAV, the μ-law tables, the hold music)
in a thread, not on the event loop that carries the calls already up (`stack.loaded`). Run in
a fresh interpreter: in this one the stack is long since loaded."""

import json

import pytest

from tests import fresh_interpreter

pytestmark = pytest.mark.slow  # starts a process

FIRST_LEG = """
import asyncio, json, sys, threading
import django
django.setup()

imported_in = {}


def note(event, args):
    name = args[0] if event == "import" else None
    if name in ("aiortc", "av") and name not in imported_in:
        imported_in[name] = threading.current_thread().name


sys.addaudithook(note)
from channels_adapters.voice.media import codec, music, stack


async def first_leg():
    peer = await stack.peer_class()
    return threading.current_thread().name, peer.__name__


loop_thread, peer = asyncio.run(first_leg())
print(json.dumps({
    "loop": loop_thread,
    "imported_in": imported_in,
    "peer": peer,
    "mulaw_tables": codec._mulaw_tables.cache_info().currsize,
    "hold_music": music._load.cache_info().currsize,
}))
"""


def test_the_first_leg_loads_the_media_stack_off_the_event_loop():
    done = fresh_interpreter.run(FIRST_LEG)
    assert done.returncode == 0, done.stderr[-2000:]
    first = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(first["imported_in"]) == {"aiortc", "av"}
    assert first["loop"] not in first["imported_in"].values()
    assert first["peer"] == "Peer"
    # What a first frame and a first room would otherwise make on the loop, made already.
    assert first["mulaw_tables"] == 1 and first["hold_music"] == 1
