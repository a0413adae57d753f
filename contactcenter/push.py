"""Pushes to browsers, sent after each commit over channel-layer groups.

Push is a hint; the log is the truth. Every frame carries the position and stream version of
the event it reflects, so a client that sees a gap (or reconnects) asks for a fresh snapshot
from the projections instead of trusting the stream (docs/websocket-protocol.md).

Publishing happens in whatever thread committed: a request, a consumer's database thread, a
router. With Redis, such a thread publishes them itself (push_direct.py); the in-memory
channel layer of the embedded server lives on the server's event loop, so frames from other
threads are handed to that loop.
"""

import asyncio
import atexit
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from channels.layers import get_channel_layer

from contactcenter import groups
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.push_direct import by_shard, direct

log = logging.getLogger(__name__)

# The event types that concern an agent personally, and which agent field names them.
AGENT_FIELDS = {
    "OfferCreated": "agent_id",
    "OfferAccepted": "agent_id",
    "OfferRejected": "agent_id",
    "OfferTimedOut": "agent_id",
    "OfferRescinded": "agent_id",
    "InteractionAssigned": "agent_id",
    "InteractionTransferred": "from_agent_id",
    "AgentPresenceChanged": "agent_id",
    # A consult on a call asks a colleague's softphone, and tells them when it is over.
    "ConsultStarted": "colleague_id",
    "ConsultEnded": "colleague_id",
    "ConsultHandedOver": "colleague_id",
}

_server_loop: asyncio.AbstractEventLoop | None = None
# Audiences beyond agents and supervisors (the web chat widget registers its own).
Audience = Callable[[list[RecordedEvent]], dict[str, list[dict[str, Any]]]]
_audiences: list[Audience] = []
# What a staff frame carries besides its event, where an app has more to say of it at once
# (the console: an activity line's words, console/state.py).
Detail = Callable[[RecordedEvent], dict[str, Any] | None]
_details: list[Detail] = []
_after_publish: list[Callable[[], None]] = []


def bind_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Called by consumers on connect: the loop an in-memory channel layer belongs to."""
    global _server_loop
    _server_loop = loop


def add_audience(audience: Audience) -> None:
    if audience not in _audiences:
        _audiences.append(audience)


def add_detail(detail: Detail) -> None:
    if detail not in _details:
        _details.append(detail)


def frame(event: RecordedEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "position": event.position,
        "stream": event.stream_id,
        "version": event.version,
        "event": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.metadata.get("actor", ""),
        "data": event.data,
    }


def staff_frames(events: Iterable[RecordedEvent]) -> dict[str, list[dict[str, Any]]]:
    """Frames for agents' consoles and supervisors, by group."""
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        payload = frame(event)
        for detail in _details:
            try:
                payload.update(detail(event) or {})
            except Exception:  # the frame goes as it is; a client that needs more reads it
                log.exception("a push detail failed")
        interaction_id = event.data.get("interaction_id")
        if interaction_id:
            by_group[groups.interaction(interaction_id)].append(payload)
        field = AGENT_FIELDS.get(event.type)
        if field and event.data.get(field) is not None:
            by_group[groups.agent(event.data[field])].append(payload)
        by_group[groups.SUPERVISORS].append(payload)
        if event.type in ("AlertRaised", "AlertCleared"):
            by_group[groups.ALERTS].append(payload)
    return by_group


def after_publish(hook: Callable[[], None]) -> None:
    """`hook` runs on the publishing thread once a publish has handed its frames over, so
    what it sends goes after them (the web chat's places in line)."""
    if hook not in _after_publish:
        _after_publish.append(hook)


def publish(events: list[RecordedEvent]) -> None:
    """After a commit: send each group its frames, batched, as one message per group."""
    if _nobody_listening():
        return
    try:
        by_group = staff_frames(events)
        for audience in _audiences:
            try:
                for group, frames in audience(events).items():
                    by_group[group].extend(frames)
            except Exception:
                log.exception("a push audience failed; the log still has everything")
        if by_group:
            send(
                {
                    group: {"type": "push.frames", "frames": frames}
                    for group, frames in by_group.items()
                }
            )
    finally:
        for hook in _after_publish:
            try:
                hook()
            except Exception:
                log.exception("an after-publish hook failed")


def _nobody_listening() -> bool:
    """An in-memory layer lives in this process only; with no server loop here (a command,
    a router, a benchmark) no socket can be listening to it."""
    layer = get_channel_layer()
    if layer is None:
        return True
    if not _is_in_memory(layer):
        return False
    try:
        asyncio.get_running_loop()
        return False
    except RuntimeError:
        return _server_loop is None or not _server_loop.is_running()


def send(messages: dict[str, dict[str, Any]]) -> None:
    """group_send each message, from whatever thread we are in, never raising: a lost push
    is recovered by the client's resync, a failed commit is not.

    For Redis, a thread that runs no event loop (a socket's database thread, a router, a
    request's thread: where commits are made) publishes them itself (`direct`). Otherwise,
    or while that fails, they are handed to a courier task on a long-lived loop that sends
    them in the order handed over: for Redis, a loop on a thread of our own (a fresh loop per
    commit would open and close connections each time); for the in-memory layer, the
    server's loop it lives on.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if not _is_in_memory(layer):
            if running is None and direct.publish(layer, messages):
                return
            # Redis: from a loop of our own, whose round trips do not wait their turn behind
            # every socket of a busy server loop.
            loop = _courier_loop()
            loop.call_soon_threadsafe(_enqueue, loop, layer, messages)
        elif running is not None:  # sync code called on a loop's own thread
            _enqueue(running, layer, messages)
        elif _server_loop is not None and _server_loop.is_running():
            _server_loop.call_soon_threadsafe(_enqueue, _server_loop, layer, messages)
        # Else an in-memory layer with no server loop in this process: no socket can be
        # listening (it lives in this process only), and a loop per commit would cost more
        # than the commit itself.
    except Exception:
        log.exception("push failed; clients will resync from the projections")


async def _deliver(layer, messages: dict[str, dict[str, Any]]) -> None:
    for group, message in messages.items():
        await layer.group_send(group, message)


_couriers: dict[asyncio.AbstractEventLoop, asyncio.Queue] = {}
_couriers_lock = threading.Lock()
_own_loop: asyncio.AbstractEventLoop | None = None
_own_loop_lock = threading.Lock()


def _enqueue(loop: asyncio.AbstractEventLoop, layer, messages: dict[str, dict[str, Any]]) -> None:
    """On `loop`'s thread: queue `messages` for that loop's courier, starting it if need be."""
    with _couriers_lock:
        queue = _couriers.get(loop)
        if queue is None:
            queue = _couriers[loop] = asyncio.Queue()
            loop.create_task(_courier(queue))
            for old in [other for other in _couriers if other.is_closed()]:
                del _couriers[old]
    queue.put_nowait((layer, messages))


# A publish that fails on a broken connection (Redis restarted: every pooled connection is
# dead, and the first command on each finds out) is tried again on fresh connections.
PUBLISH_ATTEMPTS = 4
FIRST_RETRY_SECONDS = 0.05


async def _courier(queue: asyncio.Queue) -> None:
    """Send what is queued, in order; everything waiting goes out together (per layer: the
    configured layer is one in a server, but tests swap it)."""
    publishers: dict[int, Any] = {}
    while True:
        items = [await queue.get()]
        while not queue.empty():
            items.append(queue.get_nowait())
        try:
            for layer, batch in _by_layer(items):
                if id(layer) not in publishers:
                    publishers = {id(layer): _pipelined_publisher(layer)}
                await _send_batch(layer, publishers[id(layer)], batch)
        except Exception:
            log.exception("push failed; clients will resync from the projections")
        finally:
            for _ in items:
                queue.task_done()


def _by_layer(items: list[tuple[Any, dict]]) -> list[tuple[Any, list[dict]]]:
    """Consecutive runs of one layer's messages, in order."""
    runs: list[tuple[Any, list[dict]]] = []
    for layer, messages in items:
        if runs and runs[-1][0] is layer:
            runs[-1][1].append(messages)
        else:
            runs.append((layer, [messages]))
    return runs


async def _send_batch(layer, publish, batch: list[dict[str, dict[str, Any]]]) -> None:
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        try:
            if publish is not None:
                await publish([item for messages in batch for item in messages.items()])
            else:
                for messages in batch:
                    await _deliver(layer, messages)
            return
        except (ConnectionError, OSError, TimeoutError, *_redis_errors()) as error:
            if attempt == PUBLISH_ATTEMPTS:
                raise
            log.warning("push: %s; retrying on a fresh connection", error)
            await _drop_connections(layer)
            await asyncio.sleep(FIRST_RETRY_SECONDS * 2 ** (attempt - 1))


def _redis_errors() -> tuple[type[Exception], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:
        return ()
    return (RedisConnectionError, RedisTimeoutError)


async def _drop_connections(layer) -> None:
    """Close the pooled connections of this loop's pub/sub layer: they all went with the
    server, and each would otherwise fail one command before redis-py noticed."""
    loop_layer = getattr(layer, "_get_layer", lambda: None)()
    for shard in getattr(loop_layer, "_shards", ()):
        redis = getattr(shard, "_redis", None)
        if redis is not None:
            try:
                await redis.connection_pool.disconnect()
            except Exception:
                log.debug("dropping a Redis connection pool failed", exc_info=True)


def _pipelined_publisher(layer):
    """For channels_redis's pub/sub layer: publish a batch in one pipelined round trip per
    Redis shard, where `group_send` takes one round trip per group (a commit's events go to
    three or four groups). It leans on the layer's own naming and connections."""
    try:
        from channels_redis.pubsub import RedisPubSubChannelLayer
    except ImportError:
        return None
    if not isinstance(layer, RedisPubSubChannelLayer):
        return None

    async def publish(items: list[tuple[str, dict[str, Any]]]) -> None:
        loop_layer = layer._get_layer()
        shards = loop_layer._shards
        for index, entries in by_shard(layer, loop_layer.prefix, len(shards), items).items():
            shard = shards[index]
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for name, data in entries:
                    pipe.publish(name, data)
                await pipe.execute()

    return publish


def _courier_loop() -> asyncio.AbstractEventLoop:
    """A loop on a daemon thread that publishes to Redis."""
    global _own_loop
    with _own_loop_lock:
        if _own_loop is None:
            _own_loop = asyncio.new_event_loop()
            threading.Thread(target=_own_loop.run_forever, name="push", daemon=True).start()
            atexit.register(_drain_own_loop)
        return _own_loop


def _drain_own_loop(timeout: float = 5.0) -> None:
    """At exit, let a command's last pushes go out before the daemon thread dies."""
    loop, queue = _own_loop, _couriers.get(_own_loop)
    if loop is None or queue is None:
        return
    try:
        asyncio.run_coroutine_threadsafe(queue.join(), loop).result(timeout)
    except Exception:
        log.warning("exiting with pushes unsent; clients will resync from the projections")


def _is_in_memory(layer) -> bool:
    return type(layer).__name__ == "InMemoryChannelLayer"


store.on_committed(publish)
