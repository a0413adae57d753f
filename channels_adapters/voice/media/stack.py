"""The media stack (PyAV's FFmpeg bindings, aiortc), loaded with a process's first leg and off
its event loop.

A process that never carries a call never loads it (tests/test_layering.py): it costs a tenth
of a second of every start. Loaded where a leg first needed it, on the event loop, it held the
loop 40-110 ms while the process's first calls were coming up, and every call already in the
process heard the gap (docs/benchmarks.md, *Voice*). So each leg's handler awaits the part it
needs before it makes a codec, a room or a peer: the first one loads it in a thread, and the
loop goes on mixing and sending meanwhile; later ones return at once. A phone caller's leg
needs only the codecs (`loaded`); a browser's needs aiortc too (`peer_class`), which a process
whose calls all come from the phone never loads."""

import asyncio
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channels_adapters.voice.media.webrtc import Peer

_codecs = threading.Event()
_peers = threading.Event()
_loading = threading.Lock()  # two first legs at once: one loads, the other waits for it


def _load_codecs() -> None:
    with _loading:
        if _codecs.is_set():
            return
        from channels_adapters.voice.media import codec, music

        codec.Mulaw().decode(b"\xff")  # PyAV, and FFmpeg's μ-law tables, made once a process
        music.hold_music()  # a file FFmpeg decodes, once a process, before a room needs it
        _codecs.set()


def _load_peers() -> None:
    with _loading:
        if _peers.is_set():
            return
        from channels_adapters.voice.media import webrtc  # noqa: F401  (aiortc)

        _peers.set()


async def loaded() -> None:
    """Once PyAV, the μ-law tables and the hold music are in this process (what a room and a
    phone caller's leg need); the first call loads them in a thread."""
    if not _codecs.is_set():
        await asyncio.to_thread(_load_codecs)


async def peer_class() -> type["Peer"]:
    """aiortc's side of a WebRTC leg (`webrtc.Peer`), the stack loaded off the loop first."""
    await loaded()
    if not _peers.is_set():
        await asyncio.to_thread(_load_peers)
    from channels_adapters.voice.media.webrtc import Peer

    return Peer
