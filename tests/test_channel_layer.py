"""The channel layer as configured from REDIS_URL."""

import asyncio

import pytest
from channels.layers import get_channel_layer


@pytest.mark.redis
async def test_a_receive_can_wait_longer_than_redis_py_s_default_read_timeout():
    """channels_redis blocks 5 s in each pop; redis-py 8 gives up reading after 5 s unless
    told otherwise, which killed idle consumers under load. Waiting 7 s must be uneventful."""
    layer = get_channel_layer()
    name = await layer.new_channel("idle.")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(name), timeout=7)

    await layer.send(name, {"type": "still.here"})
    assert (await asyncio.wait_for(layer.receive(name), timeout=5))["type"] == "still.here"
