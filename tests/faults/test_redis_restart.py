"""Issue 13.3: a Redis restart must not silently drop pushes. Publishing retries on a fresh
connection, and subscribers hear again once Redis is back. A Redis of the test's own."""

import asyncio

import pytest
from channels.layers import channel_layers, get_channel_layer
from django.conf import settings
from django.test import override_settings

from contactcenter import push
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
