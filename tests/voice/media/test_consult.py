"""Transfers and consults on the platform's media path, with real speech on every leg: the
agent consults a colleague (the customer hears hold music, the agents only each other), then
joins all three, hands the customer over, or cancels; a cold transfer leaves the caller on
hold music in the room. Each step is an event on the interaction's stream."""

import asyncio
import time

import numpy as np
import pytest
from asgiref.sync import sync_to_async

from channels_adapters.voice.media import music
from channels_adapters.voice.media.tokens import SOFTPHONE
from channels_adapters.webchat import tokens
from channels_adapters.webchat.models import WebChatChannel
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import config, offers, presence, router
from routing.models import AgentProfile, AgentState
from tests.routing.builders import an_agent
from tests.sockets import session_cookie
from tests.voice.media.audio import speech, speech_match
from tests.voice.media.conftest import answered_call
from tests.voice.media.softphone import Softphone
from tests.voice.media.twilio_stream import TwilioStream, stream_of
from tests.voice.media.web_caller import WebCaller

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AGENT_ASKS = "Could you help me with a refund for this customer?"
COLLEAGUE_ANSWERS = "Sure, I know that contract well."
CUSTOMER_WAITS = "Hello, is anybody still there?"
AGENT_INTRODUCES = "My colleague Bob is with us now."
COLLEAGUE_GREETS = "Good morning, I will sort out your refund."
CUSTOMER_THANKS = "Thank you both very much."
AGENT_IS_BACK = "Thanks for waiting, I am back with you."
# Shares of the source's quarter-seconds found (audio.speech_match), as in test_supervision.
HEARD, NOT_HEARD = 0.25, 0.1


@pytest.fixture
def colleague(queues):
    """Bob, on the softphone too, asked for help (he need not be in the call's queue)."""
    bob = an_agent(queues["sales"], username="bob", available=False)
    AgentProfile.objects.filter(user=bob).update(voice_endpoint=SOFTPHONE)
    config.invalidate()
    presence.set_softphone(bob.pk, True)  # his console's softphone is on
    return bob


def script(*lines: tuple[float, np.ndarray]) -> np.ndarray:
    """Speech at the given seconds from the start, silence around it."""
    end = max(int(at * 8000) + len(samples) for at, samples in lines)
    said = np.zeros(end, dtype=np.int16)
    for at, samples in lines:
        said[int(at * 8000) : int(at * 8000) + len(samples)] = samples
    return said


SILENT = np.zeros(1, dtype=np.int16)


async def connected(*phones: Softphone, timeout: float = 40) -> None:
    """Until each softphone's WebRTC connection is up (slow on a loaded machine)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while any(phone.pc.connectionState != "connected" for phone in phones):
        assert loop.time() < deadline, [phone.pc.connectionState for phone in phones]
        await asyncio.sleep(0.1)


def say_from_now(phone: Softphone, said: np.ndarray) -> None:
    """The softphone says `said` from its next frame on, so that every leg's script starts at
    the same moment whenever each connected."""
    track = phone.pc.getSenders()[0].track
    track.samples = np.concatenate([np.zeros(track._pts, dtype=np.int16), said])


def post(phone: Softphone, interaction_id: str, action: str, body: dict | None = None):
    return asyncio.to_thread(
        phone._post, f"/channels/voice/calls/{interaction_id}/{action}/", body or {}
    )


def events_of(interaction_id: str, *types: str) -> list[store.RecordedEvent]:
    return [e for e in store.read_stream(stream_id(interaction_id)) if e.type in types]


def heard_from(stream: TwilioStream, mark: int, until: int | None = None) -> np.ndarray:
    frames = stream.heard[mark:until]
    return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)


SOFTPHONE_LEFT = "SoftphoneDisconnected"
CONSULT = ("ConsultStarted", "ConsultAnswered", "ConsultJoined", "ConsultHandedOver")


def test_in_a_consult_the_customer_hears_music_then_all_three_talk_once_joined(
    client, api, line, queues, softphone_agent, colleague, public_url
):
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)
    spans = {}

    async def call():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        agent = Softphone(public_url, await sync_to_async(session_cookie)(softphone_agent), SILENT)
        bob = Softphone(public_url, await sync_to_async(session_cookie)(colleague), SILENT)
        assert (await agent.call(row.id))[0] == 200
        status, answer = await post(agent, row.id, "consult", {"to_agent_id": colleague.pk})
        assert status == 200, answer
        status, answer = await bob.call(row.id)  # his console answers the consult
        assert status == 200, answer
        await connected(agent, bob)
        # The consult: each says their piece in turn, time to spare for a loaded machine.
        say_from_now(agent, script((1.0, speech(AGENT_ASKS))))
        say_from_now(bob, script((5.0, speech(COLLEAGUE_ANSWERS))))
        consult_began = len(stream.heard)
        await stream.play(script((8.5, speech(CUSTOMER_WAITS))), seconds=12)
        spans["consult"] = heard_from(stream, consult_began)
        status, answer = await post(agent, row.id, "join")
        assert status == 200, answer
        say_from_now(agent, script((4.0, speech(AGENT_INTRODUCES))))
        say_from_now(bob, script((8.0, speech(COLLEAGUE_GREETS))))
        await stream.play(script((1.0, speech(CUSTOMER_THANKS))), seconds=16)
        await bob.hang_up(row.id)  # he leaves the three-way call
        await stream.play(np.zeros(0, dtype=np.int16), seconds=1)
        await stream.stop()
        await stream.wait_closed()
        await agent.hang_up(row.id)
        return stream.heard_samples(), agent.heard_samples(), bob.heard_samples()

    caller_heard, agent_heard, bob_heard = asyncio.run(call())

    # The consult: the agents hear each other, the customer only the hold music.
    assert speech_match(spans["consult"], music.chime()) >= HEARD
    assert speech_match(spans["consult"], speech(AGENT_ASKS)) <= NOT_HEARD
    assert speech_match(spans["consult"], speech(COLLEAGUE_ANSWERS)) <= NOT_HEARD
    assert speech_match(agent_heard, speech(COLLEAGUE_ANSWERS)) >= HEARD
    assert speech_match(bob_heard, speech(AGENT_ASKS)) >= HEARD
    assert speech_match(agent_heard, speech(CUSTOMER_WAITS)) <= NOT_HEARD
    assert speech_match(bob_heard, speech(CUSTOMER_WAITS)) <= NOT_HEARD
    # Joined: all three hear each other.
    assert speech_match(caller_heard, speech(AGENT_INTRODUCES)) >= HEARD
    assert speech_match(caller_heard, speech(COLLEAGUE_GREETS)) >= HEARD
    assert speech_match(agent_heard, speech(CUSTOMER_THANKS)) >= HEARD
    assert speech_match(agent_heard, speech(COLLEAGUE_GREETS)) >= HEARD
    assert speech_match(bob_heard, speech(CUSTOMER_THANKS)) >= HEARD
    assert speech_match(bob_heard, speech(AGENT_INTRODUCES)) >= HEARD
    steps = [e.type for e in events_of(row.id, *CONSULT, "ConsultEnded")]
    assert steps == ["ConsultStarted", "ConsultAnswered", "ConsultJoined", "ConsultEnded"]
    assert events_of(row.id, "ConsultEnded")[0].data["reason"] == "left the call"  # Bob hung up


def test_a_hand_over_leaves_the_colleague_with_the_customer_and_frees_the_agent(
    client, api, line, queues, softphone_agent, colleague, public_url
):
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)

    async def call():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        agent = Softphone(public_url, await sync_to_async(session_cookie)(softphone_agent), SILENT)
        bob = Softphone(public_url, await sync_to_async(session_cookie)(colleague), SILENT)
        assert (await agent.call(row.id))[0] == 200
        assert (await post(agent, row.id, "consult", {"to_agent_id": colleague.pk}))[0] == 200
        assert (await bob.call(row.id))[0] == 200
        await connected(agent, bob)
        say_from_now(agent, script((1.0, speech(AGENT_ASKS))))
        say_from_now(bob, script((5.0, speech(COLLEAGUE_ANSWERS))))
        await stream.play(np.zeros(0, dtype=np.int16), seconds=11)
        status, answer = await post(agent, row.id, "hand-over")
        assert status == 200, answer
        refused = await post(agent, row.id, "hold")  # no longer theirs
        held = await post(bob, row.id, "hold")  # Bob's call now
        resumed = await post(bob, row.id, "resume")
        say_from_now(bob, script((5.0, speech(COLLEAGUE_GREETS))))
        await stream.play(script((1.0, speech(CUSTOMER_THANKS))), seconds=15)
        await stream.stop()
        await stream.wait_closed()
        await bob.hang_up(row.id)
        await agent.hang_up(row.id)
        heard = stream.heard_samples(), agent.heard_samples(), bob.heard_samples()
        return heard, (refused[0], held[0], resumed[0])

    (caller_heard, agent_heard, bob_heard), statuses = asyncio.run(call())

    assert statuses == (409, 200, 200)
    assert speech_match(caller_heard, speech(AGENT_ASKS)) <= NOT_HEARD
    assert speech_match(bob_heard, speech(AGENT_ASKS)) >= HEARD
    assert speech_match(caller_heard, speech(COLLEAGUE_GREETS)) >= HEARD  # Bob has the call
    assert speech_match(bob_heard, speech(CUSTOMER_THANKS)) >= HEARD
    assert speech_match(agent_heard, speech(CUSTOMER_THANKS)) <= NOT_HEARD  # Alice left
    steps = [
        e.type
        for e in events_of(
            row.id, *CONSULT, "InteractionTransferred", "InteractionAssigned", "ConsultEnded"
        )
    ]
    assert steps == [
        "ConsultStarted",
        "ConsultAnswered",
        "InteractionTransferred",
        "InteractionAssigned",
        "ConsultHandedOver",
    ]
    alice_left = events_of(row.id, "SoftphoneDisconnected")[0]
    assert (alice_left.data["agent_id"], alice_left.data["reason"]) == (
        softphone_agent.pk,
        "handed over",
    )
    assert Interaction.objects.get(pk=row.id).agent_id == colleague.pk
    assert AgentState.objects.get(pk=softphone_agent.pk).load()["voice"] == 0
    assert AgentState.objects.get(pk=colleague.pk).load()["voice"] == 1


def test_a_cancelled_consult_returns_the_customer_and_a_cold_transfer_leaves_them_on_music(
    client, api, line, queues, softphone_agent, colleague, public_url
):
    phone, row, twiml = answered_call(client, api, softphone_agent)
    url, parameters = stream_of(twiml)
    updates_before = len(api.posted(f"/Calls/{phone.call_sid}.json"))
    spans = {}

    async def call():
        stream = TwilioStream(url, phone.call_sid)
        await stream.on_the_line(parameters)
        agent = Softphone(public_url, await sync_to_async(session_cookie)(softphone_agent), SILENT)
        bob = Softphone(public_url, await sync_to_async(session_cookie)(colleague), SILENT)
        assert (await agent.call(row.id))[0] == 200
        assert (await post(agent, row.id, "consult", {"to_agent_id": colleague.pk}))[0] == 200
        assert (await bob.call(row.id))[0] == 200
        await connected(agent, bob)
        say_from_now(agent, script((1.0, speech(AGENT_ASKS))))
        say_from_now(bob, script((5.0, speech(COLLEAGUE_ANSWERS))))
        await stream.play(np.zeros(0, dtype=np.int16), seconds=10)
        status, answer = await post(agent, row.id, "cancel-consult")
        assert status == 200, answer
        say_from_now(agent, script((1.0, speech(AGENT_IS_BACK))))
        await stream.play(np.zeros(0, dtype=np.int16), seconds=8)
        support = queues["support"].pk
        status, answer = await post(agent, row.id, "transfer", {"to_queue_id": support})
        assert status == 200, (answer, await events(row.id))
        transferred = len(stream.heard)
        await stream.play(np.zeros(0, dtype=np.int16), seconds=3)
        spans["transferred"] = heard_from(stream, transferred)
        await stream.stop()
        await stream.wait_closed()
        await bob.hang_up(row.id)
        await agent.hang_up(row.id)
        return stream.heard_samples()

    caller_heard = asyncio.run(call())

    assert speech_match(caller_heard, speech(AGENT_ASKS)) <= NOT_HEARD
    assert speech_match(caller_heard, speech(AGENT_IS_BACK)) >= HEARD  # back with the agent
    assert speech_match(spans["transferred"], music.chime()) >= HEARD  # waiting, on music
    ended = events_of(row.id, "ConsultEnded")
    assert [e.data["reason"] for e in ended] == ["cancelled"]
    left = {e.data["agent_id"]: e.data["reason"] for e in events_of(row.id, SOFTPHONE_LEFT)}
    assert left == {colleague.pk: "consult cancelled", softphone_agent.pk: "transferred"}
    [moved] = events_of(row.id, "CallTransferred")
    assert (moved.data["agent_id"], moved.data["kind"]) == (softphone_agent.pk, "queue")
    assert Interaction.objects.get(pk=row.id).state in ("queued", "offered")
    # The caller's audio stayed on the platform: Twilio was not told to play the wait loop.
    assert len(api.posted(f"/Calls/{phone.call_sid}.json")) == updates_before


@sync_to_async
def events(interaction_id: str) -> str:
    """The call's latest events, to say what happened when a step is refused."""
    latest = list(store.read_stream(stream_id(interaction_id)))[-10:]
    return "\n".join(f"{e.type} {e.data}" for e in latest)


def test_a_web_caller_hears_music_in_a_consult_then_the_colleague_after_the_hand_over(
    line, queues, softphone_agent, colleague, public_url
):
    WebChatChannel.objects.create(key="site", name="Site")
    token = tokens.issue("site")[0]
    spans = {}

    @sync_to_async
    def accepted(interaction_id: str) -> None:
        deadline = time.monotonic() + 20  # the server's own router may offer it first
        while (row := Interaction.objects.get(pk=interaction_id)).state != "offered":
            assert time.monotonic() < deadline, f"never offered ({row.state})"
            router.route_once()
            time.sleep(0.2)
        offers.accept_offer(row.id, row.offer_id, softphone_agent.pk)

    async def call():
        caller = WebCaller(public_url, token)  # its peer connection needs the running loop
        interaction_id = await caller.call("3")  # Support
        await accepted(interaction_id)
        agent = Softphone(public_url, await sync_to_async(session_cookie)(softphone_agent), SILENT)
        bob = Softphone(public_url, await sync_to_async(session_cookie)(colleague), SILENT)
        assert (await agent.call(interaction_id))[0] == 200
        status, answer = await post(agent, interaction_id, "consult", {"to_agent_id": colleague.pk})
        assert status == 200, answer
        assert (await bob.call(interaction_id))[0] == 200
        await connected(caller.phone, agent, bob)
        mark = len(caller.phone.heard)
        say_from_now(agent, script((1.0, speech(AGENT_ASKS))))
        say_from_now(bob, script((5.0, speech(COLLEAGUE_ANSWERS))))
        await asyncio.sleep(10)
        spans["consult"] = caller.heard_since(mark)
        status, answer = await post(agent, interaction_id, "hand-over")
        assert status == 200, answer
        mark = len(caller.phone.heard)
        say_from_now(bob, script((1.0, speech(COLLEAGUE_GREETS))))
        await asyncio.sleep(6)
        spans["handed over"] = caller.heard_since(mark)
        await caller.hang_up()
        await bob.hang_up(interaction_id)
        await agent.hang_up(interaction_id)
        return interaction_id, bob.heard_samples()

    interaction_id, bob_heard = asyncio.run(call())

    assert speech_match(spans["consult"], music.chime()) >= HEARD
    assert speech_match(spans["consult"], speech(AGENT_ASKS)) <= NOT_HEARD
    assert speech_match(spans["consult"], speech(COLLEAGUE_ANSWERS)) <= NOT_HEARD
    assert speech_match(bob_heard, speech(AGENT_ASKS)) >= HEARD
    assert speech_match(spans["handed over"], speech(COLLEAGUE_GREETS)) >= HEARD
    steps = [e.type for e in events_of(interaction_id, *CONSULT)]
    assert steps == ["ConsultStarted", "ConsultAnswered", "ConsultHandedOver"]
