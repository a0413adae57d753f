"""Pushes published by the thread that committed them, for channels_redis's pub/sub layer.

A commit's pushes were handed to the push thread's event loop (push.send's courier), which
woke that thread at every commit and put a hop between a visitor's message and the agent's
socket: at 5 chats a second, a message's p99 was up to four times that of a relay that
commits it first and then publishes it (docs/benchmarks.md, issue 18). A thread with no event
loop of its own can wait for Redis as it waits for PostgreSQL, so it publishes its commit's
pushes itself, in one pipelined round trip per shard, on connections of this module's.

The connections are redis-py's (they connect, authenticate and speak TLS as the layer's
address says), kept idle between publishes by this module, and the commands are packed by
hiredis in one call. redis-py's pipeline and connection pool cost more than the publish
itself: a pool's checkout looks at the socket (a system call) and its pipeline re-reads each
command's arguments in Python. At 20 chats/s they were 3.8 % of the servers' CPU
(docs/benchmarks.md, issue 18).

Named and encoded as the layer names and encodes them (its prefix, its shards by
channels_redis's own hash, its serializer), so its subscribers cannot tell the difference
(tests/test_push_direct.py subscribes through the layer). Redis going away must not hold a
command up: a publish waits at most TIMEOUT_SECONDS, a broken connection is tried once more
on a fresh one (Redis restarted), and a publish that fails hands its pushes to the courier,
which retries, and sends the next ones that way for PAUSE_SECONDS.
"""

import logging
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

import hiredis
import redis

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 0.5
PAUSE_SECONDS = 5.0


def by_shard(
    layer, prefix: str, shards: int, items: Iterable[tuple[str, dict[str, Any]]]
) -> dict[int, list[tuple[str, bytes]]]:
    """Messages by group as channels_redis's pub/sub layer publishes them: each under its
    group's channel name, serialized by the layer, by the index of the shard its name hashes
    to. The courier's publisher (push.py) and this module's both send what this gives."""
    from channels_redis.utils import _consistent_hash

    entries: dict[int, list[tuple[str, bytes]]] = defaultdict(list)
    for group, message in items:
        name = f"{prefix}__group__{group}"
        entries[_consistent_hash(name, shards)].append((name, layer.serialize(message)))
    return entries


class _Publisher:
    """Publishing for one pub/sub layer: its names, and each shard's idle connections (one a
    thread that published at once, at most)."""

    def __init__(self, layer, hosts: list[dict[str, Any]], prefix: str) -> None:
        self.layer = layer
        self.prefix = prefix
        self.pools = [_pool(host) for host in hosts]
        self.idle: list[deque[redis.Connection]] = [deque() for _ in hosts]
        self.paused_until = 0.0

    def publish(self, messages: dict[str, dict[str, Any]]) -> None:
        sharded = by_shard(self.layer, self.prefix, len(self.pools), messages.items())
        for shard, entries in sharded.items():
            packed = b"".join(hiredis.pack_command((b"PUBLISH", n, d)) for n, d in entries)
            self._send(shard, packed, len(entries))

    def _send(self, shard: int, packed: bytes, replies: int) -> None:
        """`packed` commands on one of the shard's connections, and their replies read. A
        connection Redis dropped (a restart) fails: once more, on a fresh one."""
        for fresh in (False, True):
            connection = self._connection(shard, fresh)
            try:
                connection.send_packed_command([packed], check_health=False)
                for _ in range(replies):
                    connection.read_response()
            except (redis.ConnectionError, redis.TimeoutError):
                connection.disconnect()
                self._drop_idle(shard)  # the others went the same way
                if fresh:
                    raise
                continue
            except BaseException:
                connection.disconnect()  # its replies may be half read
                raise
            self.idle[shard].append(connection)
            return

    def _connection(self, shard: int, fresh: bool) -> redis.Connection:
        if not fresh:
            try:
                return self.idle[shard].pop()
            except IndexError:
                pass
        return self.pools[shard].make_connection()

    def _drop_idle(self, shard: int) -> None:
        idle = self.idle[shard]
        while idle:
            try:
                idle.pop().disconnect()
            except IndexError:  # another thread took the last one
                return

    def close(self) -> None:
        for shard in range(len(self.pools)):
            self._drop_idle(shard)


def _pool(host: dict[str, Any]) -> redis.ConnectionPool:
    """What makes a shard's connections: the layer's address and options, and a short
    timeout, so that Redis going away holds a command up for TIMEOUT_SECONDS at most."""
    options = {
        "client_name": client_name(),  # who they are, in Redis's CLIENT LIST
        **{
            key: value
            for key, value in host.items()
            if key not in ("address", "socket_timeout", "socket_connect_timeout")
        },
    }
    return redis.ConnectionPool.from_url(
        host["address"],
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        **options,
    )


def client_name() -> str:
    """The name this process's publishing connections give Redis, unless the layer's host
    names them."""
    return f"push-direct-{os.getpid()}"


class Direct:
    """`publish(layer, messages)`: published from this thread, or False (nothing sent) where
    it cannot be: a layer other than channels_redis's pub/sub on plain addresses, or a
    publish that failed within the last PAUSE_SECONDS."""

    def __init__(self) -> None:
        # id(layer) -> the layer (held, so that its id is not another's) and its publisher
        self._publishers: dict[int, tuple[Any, _Publisher | None]] = {}
        self._lock = threading.Lock()

    def publish(self, layer, messages: dict[str, dict[str, Any]]) -> bool:
        publisher = self._publisher(layer)
        if publisher is None or time.monotonic() < publisher.paused_until:
            return False
        try:
            publisher.publish(messages)
        except Exception as error:
            publisher.paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("push: %s; the push thread sends them, and retries", error)
            return False
        return True

    def _publisher(self, layer) -> _Publisher | None:
        known = self._publishers.get(id(layer))
        if known is not None and known[0] is layer:
            return known[1]
        with self._lock:
            publisher = _made_for(layer)
            self._publishers[id(layer)] = (layer, publisher)
        return publisher

    def forget(self) -> None:
        """Close every client (tests that swap layers or restart Redis)."""
        with self._lock:
            for _, publisher in self._publishers.values():
                if publisher is not None:
                    publisher.close()
            self._publishers.clear()


def _made_for(layer) -> _Publisher | None:
    try:
        from channels_redis.pubsub import RedisPubSubChannelLayer
        from channels_redis.utils import decode_hosts
    except ImportError:
        return None
    if not isinstance(layer, RedisPubSubChannelLayer):
        return None
    options = layer._kwargs
    hosts = decode_hosts(options.get("hosts"))
    if not all("address" in host for host in hosts):  # a sentinel, say: the courier's way
        return None
    return _Publisher(layer, hosts, options.get("prefix", "asgi"))


direct = Direct()
