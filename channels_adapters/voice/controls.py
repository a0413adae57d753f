"""Call controls for the agent console: hold, resume, transfer, hang up. Each asks Twilio to
change the live call through the REST API, then records what happened; the console posts to
/channels/voice/calls/<interaction id>/<hold|resume|transfer|hangup>/ and gets JSON."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from channels_adapters.twilio.client import client, delivery_error
from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import calls, twiml
from channels_adapters.voice import events as ev
from channels_adapters.voice.models import Call
from contactcenter import clock, strict_json
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.roles import agent_required
from routing import offers


class TwilioRefused(Exception):
    """Twilio would not change the call; nothing was recorded."""


def _live_call(interaction_id: str, agent_id: int) -> tuple[Call, TwilioChannel]:
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None or row.channel != "voice":
        raise DomainError("no such call")
    if row.state != "active" or row.agent_id != agent_id:
        raise DomainError("only the agent on the call can control it")
    call = (
        Call.objects.filter(interaction_id=interaction_id, ended_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if call is None:
        raise DomainError("the call has ended")
    return call, TwilioChannel.objects.get(phone_number=call.channel_key)


def _update(channel: TwilioChannel, call: Call, **changes) -> None:
    try:
        client(channel).calls(call.call_sid).update(**changes)
    except Exception as error:
        raise TwilioRefused(str(delivery_error(error))) from error


def hold(interaction_id: str, agent_id: int) -> None:
    """The caller hears hold music; the agent's leg is released until `resume`."""
    call, channel = _live_call(interaction_id, agent_id)
    if call.held_since is not None:
        raise DomainError("the call is already on hold")
    _update(channel, call, twiml=str(twiml.hold(channel)))
    calls.record(
        interaction_id,
        [ev.CallHeld(interaction_id=interaction_id, call_sid=call.call_sid, agent_id=agent_id)],
    )


def resume(interaction_id: str, agent_id: int) -> None:
    """Off hold: the agent's endpoint rings again and is bridged back to the caller."""
    call, channel = _live_call(interaction_id, agent_id)
    if call.held_since is None:
        raise DomainError("the call is not on hold")
    endpoint = calls.agent_endpoint(agent_id)
    document = twiml.connect(
        channel, endpoint, dial_url=channel.url(calls.DIAL_PATH), said="Thank you for holding."
    )
    _update(channel, call, twiml=str(document))
    held = (clock.now() - call.held_since).total_seconds()
    calls.record(
        interaction_id,
        [
            ev.CallResumed(
                interaction_id=interaction_id,
                call_sid=call.call_sid,
                agent_id=agent_id,
                held_seconds=round(held, 3),
            )
        ],
    )


def hang_up(interaction_id: str, agent_id: int) -> None:
    """The agent ends the call; wrap-up starts."""
    call, channel = _live_call(interaction_id, agent_id)
    _update(channel, call, status="completed")
    offers.end_conversation(interaction_id, agent_id)


def transfer(interaction_id: str, agent_id: int, **target) -> None:
    """To a queue, an agent or a supervisor: the caller goes back on hold in line."""
    call, channel = _live_call(interaction_id, agent_id)
    offers.transfer(interaction_id, by_agent_id=agent_id, **target)
    _update(channel, call, url=channel.url("/hooks/twilio/voice/wait/"), method="POST")


ACTIONS = {"hold": hold, "resume": resume, "hangup": hang_up, "transfer": transfer}


@agent_required
@require_POST
def control(request: HttpRequest, interaction_id: str, action: str) -> JsonResponse:
    if action not in ACTIONS:
        return JsonResponse({"error": f"unknown call control {action!r}"}, status=404)
    target = {}
    if action == "transfer":
        try:
            body = (
                strict_json.loads_object(request.body or b"{}")
                if request.content_type == "application/json"
                else request.POST
            )
            target = {
                "kind": str(body.get("kind", "queue")),
                "to_queue_id": int(body["to_queue_id"]) if body.get("to_queue_id") else None,
                "to_agent_id": int(body["to_agent_id"]) if body.get("to_agent_id") else None,
                "note": str(body.get("note", "")),
            }
        except (ValueError, TypeError) as error:
            return JsonResponse({"error": f"bad transfer target: {error}"}, status=400)
    try:
        ACTIONS[action](interaction_id, request.user.pk, **target)
    except DomainError as error:
        return JsonResponse({"error": str(error)}, status=409)
    except TwilioRefused as error:
        return JsonResponse({"error": str(error)}, status=502)
    return JsonResponse({"ok": True, "action": action, "interaction_id": interaction_id})
