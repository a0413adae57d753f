"""Issue 13.3: a Redis restart must not silently drop pushes. Publishing retries on a fresh
connection, and subscribers hear again once Redis is back. A Redis of the test's own."""

import asyncio
import threading

import pytest
from channels.layers import channel_layers, get_channel_layer
from django.conf import settings
from django.test import override_settings

from contactcenter import push, push_direct
from tests.faults.services import Redis

pytestmark = pytest.mark.slow  # starts processes: not in make test-fast


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    layers = {
        "default": {
            **settings.CHANNEL_LAYERS["default"],
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": server.url, "socket_timeout": 30}]},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        yield server
        channel_layers.backends.clear()
    push_direct.direct.forget()
    server.remove()


async def received(layer, channel: str, timeout: float = 10.0) -> dict:
    return await asyncio.wait_for(layer.receive(channel), timeout)


async def test_the_first_push_after_a_redis_restart_arrives(redis):
    layer = get_channel_layer()
    channel = await layer.new_channel("console.")
    await layer.group_add("agent.1", channel)
    push.send({"agent.1": {"type": "push.frames", "frames": [{"n": 1}]}})
    assert (await received(layer, channel))["frames"] == [{"n": 1}]

    redis.kill()
    redis.start()
    # The subscriber reconnects and subscribes again on its own; give it a moment, as a
    # console's socket would have (pushes sent while Redis is down are lost by design: the
    # console resynchronises).
    await asyncio.sleep(2)
    push.send({"agent.1": {"type": "push.frames", "frames": [{"n": 2}]}})

    assert (await received(layer, channel))["frames"] == [{"n": 2}]


def committed(messages: dict) -> None:
    """`push.send` as a commit on a socket's database thread calls it (no event loop)."""
    thread = threading.Thread(target=push.send, args=(messages,), name="database_0")
    thread.start()
    thread.join(10)
    assert not thread.is_alive()


async def test_a_commit_s_push_from_a_database_thread_arrives_after_a_redis_restart(
    redis, monkeypatch
):
    """The committing thread publishes itself (push_direct): its connection, broken by the
    restart, is tried once more on a fresh one."""
    monkeypatch.setattr(push_direct, "PAUSE_SECONDS", 0.5)
    layer = get_channel_layer()
    channel = await layer.new_channel("console.")
    await layer.group_add("agent.1", channel)
    committed({"agent.1": {"type": "push.frames", "frames": [{"n": 1}]}})
    assert (await received(layer, channel))["frames"] == [{"n": 1}]

    redis.kill()
    redis.start()
    await asyncio.sleep(2)
    committed({"agent.1": {"type": "push.frames", "frames": [{"n": 2}]}})

    assert (await received(layer, channel))["frames"] == [{"n": 2}]


async def test_while_redis_is_down_a_commit_hands_its_pushes_to_the_courier_and_goes_on(
    redis, monkeypatch, courier_calls
):
    """A publish that fails costs the command one short wait at most: the courier, which
    retries, takes the pushes, and takes the next ones too until the pause is over; then the
    committing thread publishes again."""
    monkeypatch.setattr(push_direct, "PAUSE_SECONDS", 1.0)
    layer = get_channel_layer()
    channel = await layer.new_channel("console.")
    await layer.group_add("agent.1", channel)

    redis.kill()
    committed({"agent.1": {"type": "push.frames", "frames": [{"n": 1}]}})
    committed({"agent.1": {"type": "push.frames", "frames": [{"n": 2}]}})
    assert courier_calls == ["database_0", "database_0"]
    redis.start()
    await asyncio.sleep(2)  # the subscriber subscribes again; the pause is over

    committed({"agent.1": {"type": "push.frames", "frames": [{"n": 3}]}})
    assert courier_calls == ["database_0", "database_0"]  # published by the thread itself
    seen = []
    while 3 not in seen:  # those the courier got through after the restart come first
        seen += [frame["n"] for frame in (await received(layer, channel))["frames"]]
    assert seen[-1] == 3
