"""Audio supervision from the wallboard: a supervisor's browser joins a call's room over WebRTC
as listen, whisper or barge (mixing.audible says who hears whom), and may switch mode. POST
/channels/voice/calls/<id>/supervise/ with {mode, type: "offer", sdp} joins (the answer comes
back); {mode} alone switches; DELETE leaves. Supervisors, and team leads for their team's
calls (contactcenter.access.supervises_work); each step is an event."""

import uuid
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse

from channels_adapters.voice.media import legs, mixing, stack
from channels_adapters.voice.media.room import room
from channels_adapters.voice.media.views import MAX_SDP, as_actor
from contactcenter import strict_json
from contactcenter.access import supervises_work
from contactcenter.interactions.domain import DomainError

if TYPE_CHECKING:  # aiortc loads with a process's first call (webrtc.py), not at its start
    from channels_adapters.voice.media.webrtc import Peer

SUPERVISORS: dict[tuple[str, int], "Peer"] = {}  # (interaction, supervisor) -> their leg here


def _body(request: HttpRequest) -> dict:
    body = strict_json.loads_object(request.body or b"{}")  # MalformedJson is a ValueError
    if body.get("mode") not in mixing.SUPERVISION_MODES:
        raise ValueError(f"mode is one of {', '.join(mixing.SUPERVISION_MODES)}")
    sdp = body.get("sdp")
    if sdp is not None and (not isinstance(sdp, str) or not sdp.startswith("v=0")):
        raise ValueError("sdp is not a session description")
    if sdp is not None and len(sdp) > MAX_SDP:
        raise ValueError("sdp is too long")
    return body


async def supervise(request: HttpRequest, interaction_id: str) -> JsonResponse:
    user = await request.auser()
    if not user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    if not await sync_to_async(supervises_work)(user, interaction_id):
        return JsonResponse({"error": "supervisors only"}, status=403)
    key = (interaction_id, user.pk)
    if request.method == "DELETE":
        if (peer := SUPERVISORS.get(key)) is not None:
            await peer.close("left")
        return JsonResponse({"ok": True})
    if request.method != "POST":
        return JsonResponse({"error": "POST, or DELETE"}, status=405)
    try:
        body = _body(request)
        await as_actor(f"supervisor:{user.pk}", legs.supervisable)(interaction_id)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except DomainError as error:
        return JsonResponse({"error": str(error)}, status=409)
    mode = body["mode"]
    record = as_actor(f"supervisor:{user.pk}", legs.supervision_started)
    if body.get("sdp") is None:  # a new mode for the leg already there
        peer = SUPERVISORS.get(key)
        if peer is None:
            return JsonResponse({"error": "join with an offer first"}, status=409)
        peer.room.state.supervision[peer.leg.leg_id] = mode
        await record(interaction_id, user.pk, mode)
        return JsonResponse({"ok": True, "mode": mode})
    if (old := SUPERVISORS.pop(key, None)) is not None:
        await old.close("replaced by a new connection")

    async def ended(leg, reason: str) -> None:
        peer.room.state.supervision.pop(leg.leg_id, None)
        if SUPERVISORS.get(key) is peer:
            SUPERVISORS.pop(key)
        await as_actor(f"supervisor:{user.pk}", legs.supervision_ended)(
            interaction_id, user.pk, reason
        )

    Peer = await stack.peer_class()  # loaded off the loop before a room may be made
    call_room = room(interaction_id)
    leg_id = f"supervisor-{user.pk}-{uuid.uuid4().hex[:8]}"
    call_room.state.supervision[leg_id] = mode
    peer = Peer(call_room, leg_id, mixing.SUPERVISOR, ended)
    SUPERVISORS[key] = peer
    answer = await peer.answer(body["sdp"])
    await record(interaction_id, user.pk, mode)
    return JsonResponse({"type": "answer", "sdp": answer, "mode": mode})
