"""Call controls for the agent console: hold, resume, transfer, hang up. Each asks Twilio to
change the live call through the REST API, then records what happened; the console posts to
/channels/voice/calls/<interaction id>/<hold|resume|transfer|hangup>/ and gets JSON."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from channels_adapters.twilio.client import client, delivery_error
from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import calls, twiml
from channels_adapters.voice.call import VoiceCall
from channels_adapters.voice.models import Call
from contactcenter import clock, strict_json
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.roles import agent_required
from routing import offers


class TwilioRefused(Exception):
    """Twilio would not change the call; nothing was recorded."""


def _live_call(interaction_id: str, agent_id: int) -> tuple[Call, TwilioChannel]:
    """The call the agent may control now (the rules: `VoiceCall.controlled_by`)."""
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None or row.channel != "voice":
        raise DomainError("no such call")
    leg = VoiceCall.load(interaction_id).controlled_by(agent_id)
    call = Call.objects.get(pk=leg.call_sid)
    return call, TwilioChannel.objects.get(phone_number=call.channel_key)


def _update(channel: TwilioChannel, call: Call, **changes) -> None:
    try:
        client(channel).calls(call.call_sid).update(**changes)
    except Exception as error:
        raise TwilioRefused(str(delivery_error(error))) from error


def hold(interaction_id: str, agent_id: int) -> None:
    """The caller hears hold music; the agent's leg is released until `resume`."""
    call, channel = _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).hold(agent_id)  # refused before Twilio is asked
    _update(channel, call, twiml=str(twiml.hold(channel)))
    calls.record(interaction_id, lambda voice: voice.hold(agent_id))


def resume(interaction_id: str, agent_id: int) -> None:
    """Off hold: the agent's endpoint rings again and is bridged back to the caller."""
    call, channel = _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).resume(agent_id, clock.now())  # refused before Twilio
    endpoint = calls.agent_endpoint(agent_id)
    document = twiml.connect(
        channel, endpoint, dial_url=channel.url(calls.DIAL_PATH), said="Thank you for holding."
    )
    _update(channel, call, twiml=str(document))
    now = clock.now()
    calls.record(interaction_id, lambda voice: voice.resume(agent_id, now))


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
