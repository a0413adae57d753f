"""The channel layer as configured from REDIS_URL."""

import asyncio

import pytest
from channels.layers import get_channel_layer


@pytest.mark.redis
async def test_a_receive_can_wait_longer_than_redis_py_s_default_read_timeout():
    """redis-py 8 gives up reading a socket after 5 s unless told otherwise, which killed
    idle consumers. Waiting 7 s must be uneventful."""
    layer = get_channel_layer()
    name = await layer.new_channel("idle.")
    waiting = asyncio.ensure_future(layer.receive(name))
    await asyncio.sleep(7)
    assert not waiting.done()

    await layer.send(name, {"type": "still.here"})
    assert (await asyncio.wait_for(waiting, timeout=5))["type"] == "still.here"
