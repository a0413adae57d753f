"""A long-running process (the server, a worker) makes most of its objects as it starts —
modules, classes, URL patterns, admin sites, codecs — and keeps every one of them to its end.
Python's cycle collector would walk them all again in each full collection while the process
serves, and several times over as it exits: about 180 000 objects here, 0.1 s of CPU a walk,
half a second at every exit. Once started, a process moves them out of the collector's sight.

What a process would otherwise build on first use is built here too, before the first
request: else the first customers after every start or deploy wait for it (the channel
layer's Redis client, 50 ms of CPU in the router's first offer; the sentiment lexicon, 7 ms
in a server's first chat message, more on a busy one), and it is built before the freeze,
out of the collector's sight as well."""

import gc
from collections.abc import Callable

_loaders: list[Callable[[], object]] = []


def load_at_start(load: Callable[[], object]) -> None:
    """`load()` runs as a serving process starts (apps register theirs in `ready()`)."""
    if load not in _loaders:
        _loaders.append(load)


def done() -> None:
    """Call once the process has loaded what it serves with, just before it starts serving."""
    for load in _loaders:
        load()
    gc.collect()  # what is garbage already goes now; whatever is left is kept for good
    gc.freeze()
