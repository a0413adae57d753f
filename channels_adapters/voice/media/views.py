"""The softphone's signalling: the console POSTs its WebRTC offer for the call it is on and
gets aiortc's answer (non-trickle: every candidate is in the SDP). Async, so the peer lives on
the server's event loop beside the call's room and its Media Stream."""

import asyncio
import json
import logging
import uuid
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from channels_adapters.voice.media import legs, stack
from channels_adapters.voice.media.mixing import AGENT
from channels_adapters.voice.media.room import room
from contactcenter import strict_json
from contactcenter.actions import Actor, presence
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from contactcenter.roles import agent_required, is_agent

if TYPE_CHECKING:  # aiortc loads with a process's first call (webrtc.py), not at its start
    from channels_adapters.voice.media.webrtc import Peer

log = logging.getLogger(__name__)

MAX_SDP = 20_000
PEERS: dict[tuple[str, int], "Peer"] = {}  # (interaction, agent) -> their softphone leg here


def as_actor(actor: str, handler):
    def run(*args):
        with acting_as(actor):
            return handler(*args)

    # Not thread-sensitive: these also run after the request that made the peer is over.
    return database_sync_to_async(run, thread_sensitive=False)


def _as_agent(agent_id: int, handler):
    return as_actor(f"agent:{agent_id}", handler)


@agent_required
@require_http_methods(["GET", "POST"])
def config(request: HttpRequest) -> JsonResponse:
    """GET: what the softphone needs before a call, the ICE servers (STUN/TURN) to offer with.
    POST {"on": true|false, "reason": …}: the softphone turned on (the microphone allowed) or
    off; calls are offered to a softphone agent only while it is on."""
    if request.method == "POST":
        try:
            body = strict_json.loads_object(request.body or b"{}")
            if not isinstance(body.get("on"), bool):
                raise ValueError('expected {"on": true} or {"on": false}')
            presence.softphone(
                Actor.of(request.user, "console"), body["on"], str(body.get("reason", ""))
            )
        except ValueError as error:
            return JsonResponse({"error": str(error)}, status=400)
        except DomainError as error:
            return JsonResponse({"error": str(error)}, status=409)
        return JsonResponse({"on": body["on"]})
    return JsonResponse({"ice_servers": json.loads(settings.VOICE_ICE_SERVERS)})


def _offer(request: HttpRequest) -> str:
    body = strict_json.loads_object(request.body or b"{}")  # MalformedJson is a ValueError
    if body.get("type") != "offer":
        raise ValueError("expected {type: 'offer', sdp: '…'}")
    sdp = body.get("sdp")
    if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > MAX_SDP:
        raise ValueError("sdp is not a session description")
    return sdp


async def softphone(request: HttpRequest, interaction_id: str) -> JsonResponse:
    """POST an offer: join the call's audio. DELETE: leave it (the agent hung up)."""
    user = await request.auser()
    if not user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    if not await sync_to_async(is_agent)(user):
        return JsonResponse({"error": "This account is not an agent."}, status=403)
    if request.method == "DELETE":
        peer = PEERS.get((interaction_id, user.pk))
        if peer is not None:
            await peer.close(legs.HUNG_UP)
        return JsonResponse({"ok": True})
    if request.method != "POST":
        return JsonResponse({"error": "POST an offer, or DELETE"}, status=405)
    try:
        sdp = _offer(request)
        await _as_agent(user.pk, legs.live_call_of)(interaction_id, user.pk)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except DomainError as error:
        return JsonResponse({"error": str(error)}, status=409)
    if (old := PEERS.get((interaction_id, user.pk))) is not None:
        await old.close("replaced by a new connection")
    answer = await _join(interaction_id, user.pk, sdp)
    return JsonResponse({"type": "answer", "sdp": answer})


async def _join(interaction_id: str, agent_id: int, sdp: str) -> str:
    key = (interaction_id, agent_id)

    async def connected(leg) -> None:
        await _as_agent(agent_id, legs.softphone_connected)(interaction_id, agent_id)

    async def ended(leg, reason: str) -> None:
        if PEERS.get(key) is peer:
            PEERS.pop(key)
        if reason != "replaced by a new connection":
            consult_over = await _as_agent(agent_id, legs.softphone_disconnected)(
                interaction_id, agent_id, reason
            )
            if consult_over:  # the colleague left: the customer is back with the agent
                peer.room.state.consulting = False

    Peer = await stack.peer_class()
    peer = Peer(room(interaction_id), f"agent-{agent_id}-{uuid.uuid4().hex[:8]}", AGENT, ended)
    peer.on_connected = connected
    PEERS[key] = peer
    return await asyncio.shield(peer.answer(sdp))


async def release(interaction_id: str, agent_id: int, reason: str) -> None:
    """End an agent's softphone leg of the call, if it is in this process (the room's)."""
    if (peer := PEERS.get((interaction_id, agent_id))) is not None:
        await peer.close(reason)
