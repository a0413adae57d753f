"""A commit's pushes go out from the thread that committed them (contactcenter/push_direct.py):
through Redis to the layer's own subscribers, without the push thread's loop in between."""

import asyncio
import threading

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings

from contactcenter import push, push_direct

pytestmark = pytest.mark.redis


def in_a_thread(function, *args) -> None:
    """`function` on a thread with no event loop, as a socket's database thread runs."""
    failure: list[BaseException] = []

    def run():
        try:
            function(*args)
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run, name="database_0")
    thread.start()
    thread.join(10)
    assert not failure, failure


async def test_a_commit_on_a_thread_without_a_loop_is_published_by_that_thread(courier_calls):
    layer = get_channel_layer()
    console = await layer.new_channel("console.")
    supervisor = await layer.new_channel("wallboard.")
    await layer.group_add("agent.7", console)
    await layer.group_add("supervisors", supervisor)

    in_a_thread(
        push.send,
        {
            "agent.7": {"type": "push.frames", "frames": [{"n": 1}]},
            "supervisors": {"type": "push.frames", "frames": [{"n": 1}, {"n": 2}]},
        },
    )

    assert (await asyncio.wait_for(layer.receive(console), 5))["frames"] == [{"n": 1}]
    received = await asyncio.wait_for(layer.receive(supervisor), 5)
    assert received == {"type": "push.frames", "frames": [{"n": 1}, {"n": 2}]}
    assert courier_calls == []  # the push thread's loop was not woken


async def test_a_push_sent_on_an_event_loop_still_goes_by_the_courier(courier_calls):
    """A loop's thread must not wait for Redis: every socket of the process would wait."""
    layer = get_channel_layer()
    console = await layer.new_channel("console.")
    await layer.group_add("agent.8", console)

    push.send({"agent.8": {"type": "push.frames", "frames": [{"n": 3}]}})

    assert (await asyncio.wait_for(layer.receive(console), 5))["frames"] == [{"n": 3}]
    assert courier_calls == ["MainThread"]


async def test_pushes_of_one_thread_arrive_in_the_order_it_sent_them():
    layer = get_channel_layer()
    console = await layer.new_channel("console.")
    await layer.group_add("agent.9", console)

    def commits() -> None:
        for n in range(20):
            push.send({"agent.9": {"type": "push.frames", "frames": [{"n": n}]}})

    in_a_thread(commits)

    received = [(await asyncio.wait_for(layer.receive(console), 5))["frames"][0]["n"]]
    while len(received) < 20:
        received.append((await asyncio.wait_for(layer.receive(console), 5))["frames"][0]["n"])
    assert received == list(range(20))


async def test_a_thread_publishes_on_a_connection_kept_from_one_commit_to_the_next():
    layer = get_channel_layer()
    console = await layer.new_channel("console.")
    await layer.group_add("agent.10", console)
    in_a_thread(push.send, {"agent.10": {"type": "push.frames", "frames": [{"n": 0}]}})
    await asyncio.wait_for(layer.receive(console), 5)
    before = clients_of_redis()

    def commits() -> None:
        for n in range(1, 21):
            push.send({"agent.10": {"type": "push.frames", "frames": [{"n": n}]}})

    in_a_thread(commits)
    in_a_thread(commits)

    for _ in range(40):
        await asyncio.wait_for(layer.receive(console), 5)
    assert clients_of_redis() == before  # no connection opened, none left behind


def clients_of_redis() -> int:
    """The connections this process's committing threads publish on."""
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        return sum(c["name"] == push_direct.client_name() for c in client.client_list())


async def test_pushes_are_named_and_sharded_as_the_layer_itself_would():
    """Both publishers (the thread's and the courier's) name and shard by `by_shard`: what
    channels_redis's own layer does, for a layer of several shards too."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    from contactcenter.push_direct import by_shard

    layer = RedisPubSubChannelLayer(
        hosts=["redis://127.0.0.1:1/0", "redis://127.0.0.1:2/0", "redis://127.0.0.1:3/0"],
        prefix="cc",
    )
    own = layer._get_layer()  # nothing is connected before a command
    groups = [f"interaction.{n}" for n in range(40)] + ["supervisors", "agent.7"]
    message = {"type": "push.frames", "frames": [{"n": 1}]}

    sharded = by_shard(layer, "cc", 3, [(group, message) for group in groups])

    assert sorted(name for entries in sharded.values() for name, _ in entries) == sorted(
        own._get_group_channel_name(group) for group in groups
    )
    for index, entries in sharded.items():
        for name, data in entries:
            assert own._get_shard(name) is own._shards[index]
            assert layer.deserialize(data) == message
    assert len(sharded) == 3  # forty-two names fall on every shard
