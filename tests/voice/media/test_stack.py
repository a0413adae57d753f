"""A process's first legs load the media stack (PyAV, the μ-law tables, the hold music; aiortc
for a browser's leg) in a thread, not on the event loop that carries the calls already up
(`stack.loaded`, `stack.peer_class`). Run in a fresh interpreter: in this one the stack is long
since loaded."""

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


async def first_legs():
    await stack.loaded()  # a phone caller's
    codecs_only = "aiortc" not in sys.modules
    peer = await stack.peer_class()  # a browser's
    return threading.current_thread().name, codecs_only, peer.__name__


loop_thread, codecs_only, peer = asyncio.run(first_legs())
print(json.dumps({
    "loop": loop_thread,
    "codecs_only": codecs_only,
    "imported_in": imported_in,
    "peer": peer,
    "mulaw_tables": codec._mulaw_tables.cache_info().currsize,
    "hold_music": music._load.cache_info().currsize,
}))
"""


def test_the_first_legs_load_the_media_stack_off_the_event_loop():
    done = fresh_interpreter.run(FIRST_LEG)
    assert done.returncode == 0, done.stderr[-2000:]
    first = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(first["imported_in"]) == {"aiortc", "av"}
    assert first["loop"] not in first["imported_in"].values()
    assert first["codecs_only"]  # a phone caller's leg has no use for aiortc
    assert first["peer"] == "Peer"
    # What a first frame and a first room would otherwise make on the loop, made already.
    assert first["mulaw_tables"] == 1 and first["hold_music"] == 1
