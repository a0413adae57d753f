"""How `python -m bench chat_latency` with BENCH_TRACE=1 tells where a message's time goes:
the servers' wrapped path notes every step of a visitor's message once, in order (a real chat
over the sockets, in-process), and the notes of several processes and the bench's own are
joined into each message's steps and the time between them."""

import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async

from bench import chat_trace
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.events import store
from routing import router
from tests.routing.builders import a_queue, an_agent
from tests.sockets import agent_socket, next_frame, visitor_socket

SERVERS = chat_trace.NAMES[1:-1]  # the steps the servers note; the bench notes the ends


def test_notes_from_each_process_and_the_bench_join_into_a_message_s_steps():
    notes = [(step, "message 1.0", 10.0 + n / 1000) for n, step in enumerate(SERVERS, 1)]
    notes += [("projected", "message 1.0", 99.0)]  # a second flush: the first one counts
    notes += [(step, "message 2.0", 20.0) for step in SERVERS[:3]]  # lost on the way
    sent = [("message 1.0", 10.0, 10.0 + len(SERVERS) / 1000 + 0.002), ("message 2.0", 20, 21)]

    lines = chat_trace.timelines(notes, sent)

    assert [sorted(line) for line in lines] == [sorted(chat_trace.NAMES)]
    spans = chat_trace.segments(lines)
    assert list(spans) == chat_trace.NAMES[1:]
    assert [round(v, 3) for vs in spans.values() for v in vs] == [1.0] * len(SERVERS) + [2.0]
    report = chat_trace.report(lines, 2)
    assert "1 of 2 traced" in report
    assert "COMMIT" in report and "the message, sent to received" in report


def test_the_slowest_messages_are_shown_step_by_step_slowest_first():
    def line(start: float, commit_ms: float) -> dict[str, float]:
        steps, at = {}, start
        for name in chat_trace.NAMES:
            at += (commit_ms if name == "committed" else 1.0) / 1000
            steps[name] = at
        return steps

    lines = [line(0.0, 1.0), line(1.0, 9.0), line(2.0, 4.0)]

    table = chat_trace.slowest(lines, count=2).splitlines()

    assert table[0].split()[-2:] == ["#1", "#2"]
    [commit] = [row for row in table if row.startswith("COMMIT")]
    assert commit.split()[-2:] == ["9.00", "4.00"]  # the 1 ms message is not among them
    [whole] = [row for row in table if row.startswith("the message, sent to received")]
    total = len(chat_trace.NAMES) - 1
    assert whole.split()[-2:] == [f"{total + 8:.2f}", f"{total + 3:.2f}"]


def test_with_nothing_traced_the_report_says_so():
    assert "no message traced" in chat_trace.report([], 3)


@pytest.mark.django_db(transaction=True)
async def test_a_visitor_s_message_is_noted_at_every_step_once_in_order(tmp_path):
    queue = await sync_to_async(a_queue)(name="Support", entry="webchat:*")
    await WebChatChannel.objects.acreate(key="demo", name="Demo", messages_per_minute=100)
    agent = await sync_to_async(an_agent)(queue)
    visitor = await visitor_socket()
    await next_frame(visitor, "welcome")
    await say(visitor, "hello")  # not timed: noted nowhere
    await sync_to_async(router.route_once)()
    console = await agent_socket(agent)
    await next_frame(console, "snapshot")

    callbacks = list(store._after_commit)
    with chat_trace.installed(tmp_path):
        await say(visitor, "message 0.0")
        await next_frame(console, "event", event="MessageReceived")
    assert store._after_commit == callbacks
    await say(visitor, "message 0.1")  # after: the path is as it was
    await visitor.disconnect()
    await console.disconnect()

    notes = chat_trace.read(tmp_path)
    assert [step for step, _, _ in notes] == SERVERS
    assert {text for _, text, _ in notes} == {"message 0.0"}
    times = [seconds for _, _, seconds in notes]
    assert times == sorted(times)


async def say(socket, text: str) -> None:
    ref = uuid.uuid4().hex
    await socket.send_json_to({"type": "message", "text": text, "client_message_id": ref})
    await next_frame(socket, "ack", client_message_id=ref)
