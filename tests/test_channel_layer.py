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


@pytest.mark.redis
async def test_redis_replies_are_parsed_by_hiredis_not_in_python():
    """Every push is a Redis publish and a receive; redis-py's own parser, in Python, cost
    about 15 µs of CPU per message more than hiredis's C parser on the 2-core machine (issue
    18, docs/benchmarks.md). A server without hiredis still works, slower: this keeps it in."""
    layer = get_channel_layer()
    name = await layer.new_channel("parsed.")
    await layer.send(name, {"type": "parsed.here"})
    assert (await asyncio.wait_for(layer.receive(name), timeout=5))["type"] == "parsed.here"
    redis = layer._get_layer()._shards[0]._redis
    connection = await redis.connection_pool.get_connection()
    try:
        assert type(connection._parser).__name__ == "_AsyncHiredisParser"
    finally:
        await redis.connection_pool.release(connection)
