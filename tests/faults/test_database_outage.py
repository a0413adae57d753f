"""Issue 13.1 and 13.2: a PostgreSQL restart under a running deployment.

- The router loop survives the outage and offers resume within 10 s of the database coming
  back (before the fix, the router thread died for good: the process lived on, routing
  nothing, until someone restarted it).
- Pooled connections that died with the database are not handed to requests: the first
  requests after the restart succeed; while the database is down, requests (a Twilio SMS
  webhook included, which Twilio does not retry) get 503 with Retry-After, never 500.
"""

import asyncio
import time

import pytest

from tests.faults.clients import Agent, Visitor
from tests.faults.deployment import Deployment, http, log_in, twilio_sms, widget_session

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def deployment():
    deployment = Deployment()
    yield deployment
    deployment.close()


def stored_sms(deployment, sid: str) -> int:
    """How many times the message was taken: its provider id is its idempotency key."""
    return deployment.sql(
        "SELECT count(*) FROM event_log WHERE idempotency_key = %s",
        (f"in:sms:+15005550006:SM{sid}",),
    )[0][0]


def test_requests_get_503_while_the_database_is_down_and_succeed_right_after(deployment):
    web = deployment.server("web-a", public=True)
    public = deployment.env["PUBLIC_URL"]
    # Warm the pool: these connections die with the database.
    assert twilio_sms(public, web.base, "SM" + "1" * 32, "+15551110001", "hello")[0] == 200
    assert widget_session(web.base)[0] == 200
    cookie = log_in(web.base, "agent1")

    deployment.pg.stop("fast")
    try:
        status, headers, _ = twilio_sms(public, web.base, "SM" + "2" * 32, "+15551110002", "hi")
        assert status == 503 and int(headers["Retry-After"]) > 0
        assert widget_session(web.base)[0] == 503
        # A logged-in page: the session itself is in the database.
        status, headers, _ = http("GET", f"{web.base}/console/", headers={"Cookie": cookie})
        assert status == 503 and "Retry-After" in headers
    finally:
        deployment.pg.start()

    # The very first requests after the restart: no stale connection reaches them.
    assert twilio_sms(public, web.base, "SM" + "3" * 32, "+15551110003", "again")[0] == 200
    assert widget_session(web.base)[0] == 200
    log_in(web.base, "agent2")
    assert stored_sms(deployment, "1" * 32) == 1
    assert stored_sms(deployment, "2" * 32) == 0  # refused with 503: Twilio's to resend
    assert stored_sms(deployment, "3" * 32) == 1
    # The server never answered 500 nor logged an error for the outage.
    assert "Internal Server Error" not in web.log.read_text()


async def test_offers_resume_within_ten_seconds_of_the_database_coming_back(deployment):
    web = await asyncio.to_thread(deployment.server, "web-b")
    router = await asyncio.to_thread(deployment.workers, "router")
    cookie = await asyncio.to_thread(log_in, web.base, "agent6")
    agent = Agent("agent6", cookie, [web.base])
    stop = asyncio.Event()
    working = asyncio.create_task(agent.run(stop))
    try:
        before = Visitor(1, [web.base])
        await asyncio.wait_for(before.run(giving_up=lambda: False), 60)
        assert before.done

        await asyncio.to_thread(deployment.pg.stop, "immediate")  # as in a crash
        await asyncio.sleep(5)
        await asyncio.to_thread(deployment.pg.start)
        back = time.monotonic()

        after = Visitor(2, [web.base])
        await asyncio.wait_for(after.run(giving_up=lambda: False), 90)
        assert after.done
        offered_after = agent.offers_seen[after.interaction_id] - back
        assert offered_after <= 10, f"the first offer came {offered_after:.1f} s after recovery"
        assert router.popen.poll() is None, "the worker process died"
    finally:
        stop.set()
        await asyncio.wait_for(working, 30)


async def test_a_socket_request_during_the_outage_is_answered_and_the_socket_lives(deployment):
    """A frame whose work needs the database while it is away gets an `unavailable` error
    frame (try again shortly) on a socket that stays open, for the agent and the customer."""
    import json

    import websockets

    web = await asyncio.to_thread(deployment.server, "web-c")
    cookie = await asyncio.to_thread(log_in, web.base, "agent3")
    _, _, body = await asyncio.to_thread(widget_session, web.base)
    token = json.loads(body)["token"]
    ws_base = web.base.replace("http://", "ws://")

    async def answer(ws, **match) -> dict:
        async with asyncio.timeout(60):  # however many other frames come first
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if all(frame.get(k) == v for k, v in match.items()):
                    return frame

    async with (
        websockets.connect(
            f"{ws_base}/ws/agent/", origin=web.base, additional_headers={"Cookie": cookie}
        ) as console,
        websockets.connect(f"{ws_base}/ws/webchat/?token={token}", origin=web.base) as widget,
    ):
        await answer(console, type="snapshot")
        await answer(widget, type="welcome")
        await asyncio.to_thread(deployment.pg.stop, "fast")
        try:
            await console.send(json.dumps({"type": "sync", "ref": "during"}))
            refused = await answer(console, ref="during")
            assert refused["type"] == "error" and refused["code"] == "unavailable"
            assert refused["retry_after"] > 0
            await widget.send(
                json.dumps({"type": "message", "text": "hello?", "client_message_id": "w1"})
            )
            refused = await answer(widget, type="error")
            assert refused["code"] == "unavailable" and refused["ref"] == "w1"
        finally:
            await asyncio.to_thread(deployment.pg.start)

        await console.send(json.dumps({"type": "sync", "ref": "after"}))
        assert (await answer(console, ref="after"))["type"] == "ack"
        await widget.send(
            json.dumps({"type": "message", "text": "hello?", "client_message_id": "w1"})
        )
        assert (await answer(widget, type="ack"))["client_message_id"] == "w1"
    assert "Traceback" not in web.log.read_text()
