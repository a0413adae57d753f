"""The media stack (PyAV's FFmpeg bindings, aiortc), loaded with a process's first leg and off
its event loop.

A process that never carries a call never loads it (tests/test_layering.py): it costs a tenth
of a second of every start. Loaded where a leg first needed it, on the event loop, it held the
loop 40-110 ms while the process's first calls were coming up, and every call already in the
process heard the gap (docs/benchmarks.md, *Voice*). So each leg's handler awaits `loaded()`
before it makes a codec, a room or a peer: the first one imports the stack, builds the μ-law
tables and decodes the hold music in a thread, and the loop goes on mixing and sending
meanwhile; later ones return at once."""

import asyncio
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channels_adapters.voice.media.webrtc import Peer

_loaded = threading.Event()
_loading = threading.Lock()


def _load() -> None:
    with _loading:  # two first legs at once: one loads, the other waits for it
        if _loaded.is_set():
            return
        from channels_adapters.voice.media import codec, music, webrtc  # noqa: F401  (aiortc)

        codec.Mulaw().decode(b"\xff")  # FFmpeg's μ-law tables, made once a process
        music.hold_music()  # a file FFmpeg decodes, once a process, before a room needs it
        _loaded.set()


async def loaded() -> None:
    """Once the media stack is in this process; the first call loads it in a thread."""
    if not _loaded.is_set():
        await asyncio.to_thread(_load)


async def peer_class() -> type["Peer"]:
    """aiortc's side of a WebRTC leg (`webrtc.Peer`), the stack loaded off the loop first."""
    await loaded()
    from channels_adapters.voice.media.webrtc import Peer

    return Peer
