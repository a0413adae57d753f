"""Recordings, played back: who may hear a call's recordings (contactcenter.access.may_hear:
the agents who took the call, supervisors, QA specialists, those agents' team leads), the
list with each one's waveform, and the file itself. Access is checked before anything is
read. A deleted recording (retention, erasure) is listed with the reason and no file: its
audio answers 410 Gone with the reason ("erased")."""

from django.http import FileResponse, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from channels_adapters.voice.media import recording
from contactcenter.access import agent_or_scorer_required, may_hear
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction


def recordings_of(interaction_id: str) -> tuple[list[dict], set[int]]:
    """The interaction's recordings, oldest first, and the agents who took it. A recording
    deleted since (retention, or the customer's erasure) stays listed with `deleted`, the
    reason: "erased", or "retention: older than N days"."""
    saved: dict[str, dict] = {}
    agents = set()
    for event in store.read_stream(stream_id(interaction_id)):
        if event.type == "RecordingSaved":
            saved[event.data["name"]] = {**event.data, "deleted": ""}
        elif event.type == "RecordingDeleted" and event.data["name"] in saved:
            saved[event.data["name"]]["deleted"] = event.data["reason"]
        elif event.type == "OfferAccepted":
            agents.add(event.data["agent_id"])
    return list(saved.values()), agents


def _allowed(request: HttpRequest, interaction_id: str) -> tuple[list[dict], bool]:
    """As access.may_hear says, of the agent who has the interaction now and those who
    accepted it."""
    found, agents = recordings_of(interaction_id)
    holder = Interaction.objects.filter(pk=interaction_id).values_list("agent_id", flat=True)
    agents |= set(holder)
    return found, may_hear(request.user, agents)


@agent_or_scorer_required
@require_GET
def listing(request: HttpRequest, interaction_id: str) -> JsonResponse:
    found, allowed = _allowed(request, interaction_id)
    if not allowed:
        return JsonResponse({"error": "not your call"}, status=403)
    return JsonResponse(
        {
            "recordings": [
                {
                    "name": data["name"],
                    "seconds": data["seconds"],
                    "paused_seconds": data.get("paused_seconds", 0.0),
                    "deleted": data["deleted"],
                    "url": None
                    if data["deleted"]
                    else f"/channels/voice/recordings/{interaction_id}/{i}/audio/",
                    "waveform": None if data["deleted"] else recording.peaks(data["name"]),
                    "channels": list(recording.CHANNELS),
                }
                for i, data in enumerate(found)
            ]
        }
    )


@agent_or_scorer_required
@require_GET
def audio(request: HttpRequest, interaction_id: str, index: int):
    found, allowed = _allowed(request, interaction_id)
    if not allowed:
        return JsonResponse({"error": "not your call"}, status=403)
    if index >= len(found):
        return JsonResponse({"error": "no such recording"}, status=404)
    if found[index]["deleted"]:
        return JsonResponse({"error": found[index]["deleted"]}, status=410)
    stored = recording.storages["default"].open(found[index]["name"], "rb")
    return FileResponse(stored, content_type="audio/wav")
