"""Call controls for the agent console: hold, resume, transfer, hang up, and on the platform's
media path consult, join, hand over and cancel. Each asks Twilio to change the live call
through the REST API (or tells the call's room), then records what happened; the console posts
to /channels/voice/calls/<interaction id>/<action>/ and gets JSON."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from channels_adapters.twilio.client import client, delivery_error
from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import calls, outgoing, survey, twiml
from channels_adapters.voice.call import VoiceCall
from channels_adapters.voice.media import tokens
from channels_adapters.voice.models import Call
from contactcenter import clock, groups, strict_json
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.roles import agent_required
from routing import config, offers, presence


class TwilioRefused(Exception):
    """Twilio would not change the call; nothing was recorded."""


def _live_call(interaction_id: str, agent_id: int) -> tuple[Call, TwilioChannel | None]:
    """The call the agent may control now (the rules: `VoiceCall.controlled_by`), and its
    Twilio line (None for a web call: its audio is only ever in the platform's room)."""
    row = Interaction.objects.filter(pk=interaction_id).first()
    if row is None or row.channel != "voice":
        raise DomainError("no such call")
    leg = VoiceCall.load(interaction_id).controlled_by(agent_id)
    call = Call.objects.get(pk=leg.call_sid)
    if call.from_the_web:
        if not call.stream_sid:
            raise DomainError("the caller's audio has not connected yet")
        return call, None
    return call, TwilioChannel.objects.get(phone_number=call.channel_key)


def _update(channel: TwilioChannel, call: Call, **changes) -> None:
    try:
        client(channel).calls(call.call_sid).update(**changes)
    except Exception as error:
        raise TwilioRefused(str(delivery_error(error))) from error


def _to_room(interaction_id: str, action: str, **data) -> None:
    """The call's audio is on the platform: the room mixes it (hold music, keypad tones)."""
    async_to_sync(get_channel_layer().group_send)(
        groups.call_media(interaction_id), {"type": "media.control", "action": action, **data}
    )


def hold(interaction_id: str, agent_id: int) -> None:
    """The caller hears hold music; the agent's leg is released until `resume`."""
    call, channel = _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).hold(agent_id)  # refused before Twilio is asked
    if call.stream_sid:
        _to_room(interaction_id, "hold")
    else:
        _update(channel, call, twiml=str(twiml.hold(channel)))
    calls.record(interaction_id, lambda voice: voice.hold(agent_id))


def resume(interaction_id: str, agent_id: int) -> None:
    """Off hold: the agent's endpoint rings again and is bridged back to the caller."""
    call, channel = _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).resume(agent_id, clock.now())  # refused before Twilio
    if call.stream_sid:
        _to_room(interaction_id, "resume")
    else:
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
    if channel is None:
        offers.end_conversation(interaction_id, agent_id)
        _to_room(interaction_id, "hangup")  # then the widget's leg ends, and the call with it
        return
    # A call the agent placed that still rings has nobody to ask: it is cancelled.
    ringing = call.direction == outgoing.DIRECTION and not call.stream_sid
    if ringing or not survey.wanted(interaction_id):
        _update(channel, call, status="completed")
        offers.end_conversation(interaction_id, agent_id)
        return
    # The caller is still on the line: the agent's leg ends as the call moves on to the
    # keypad survey (channels_adapters/voice/survey.py), and the agent's wrap-up begins.
    _update(channel, call, twiml=survey.question(channel))
    offers.end_conversation(interaction_id, agent_id)
    survey.asked(interaction_id)


def _actor(agent_id: int) -> Actor:
    return Actor.of(get_user_model().objects.get(pk=agent_id), "console")


def transfer(interaction_id: str, agent_id: int, **target) -> None:
    """A cold transfer to a queue, an agent or a supervisor: the caller goes back in line.
    On the platform's media path the call's audio stays here: the agent's softphone leaves and
    the room plays the caller hold music until the next agent's softphone joins. Otherwise
    Twilio takes the caller back to the wait loop."""
    call, channel = _live_call(interaction_id, agent_id)
    kind = target.get("kind", "queue")
    if call.stream_sid:
        VoiceCall.load(interaction_id).transfer(agent_id, kind)  # refused before it moves
    actions.transfer(_actor(agent_id), interaction_id, **target)
    if call.stream_sid:
        calls.record(interaction_id, lambda voice: voice.transferred(agent_id, kind))
        _to_room(interaction_id, "release", agent_id=agent_id, reason=TRANSFERRED)
    elif channel is not None:  # a web caller stays in the room, hearing hold music meanwhile
        _update(channel, call, url=channel.url("/hooks/twilio/voice/wait/"), method="POST")


TRANSFERRED, HANDED_OVER, CANCELLED = "transferred", "handed over", "consult cancelled"


def consult(interaction_id: str, agent_id: int, to_agent_id: int | None = None) -> None:
    """Ask a colleague (on the softphone) to talk: the customer hears hold music, the
    colleague's console is offered the call's audio (ConsultStarted reaches them)."""
    _live_call(interaction_id, agent_id)
    colleague = config.current().agents.get(to_agent_id or -1)
    if colleague is None:
        raise DomainError("consult whom? (to_agent_id: an agent)")
    if colleague.voice_endpoint != tokens.SOFTPHONE:
        raise DomainError(f"{colleague.name} is not on the softphone")
    if not presence.current(colleague.agent_id).softphone_on:
        raise DomainError(f"{colleague.name}'s softphone is off")
    VoiceCall.load(interaction_id).start_consult(agent_id, colleague.agent_id)
    _to_room(interaction_id, "consult")
    calls.record(interaction_id, lambda voice: voice.start_consult(agent_id, colleague.agent_id))


def join(interaction_id: str, agent_id: int) -> None:
    """Three-way: the customer off hold, hearing the agent and the colleague."""
    _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).join_consult(agent_id)
    _to_room(interaction_id, "join")
    calls.record(interaction_id, lambda voice: voice.join_consult(agent_id))


def hand_over(interaction_id: str, agent_id: int) -> None:
    """Warm transfer: the interaction becomes the colleague's (the actions layer moves it),
    the agent's softphone leaves, and the customer talks with the colleague."""
    _live_call(interaction_id, agent_id)
    [handed] = VoiceCall.load(interaction_id).hand_over(agent_id)
    colleague_id = handed.colleague_id
    actions.hand_over(_actor(agent_id), interaction_id, colleague_id, note="warm transfer")
    calls.record(interaction_id, lambda voice: voice.handed_over(agent_id, colleague_id))
    _to_room(interaction_id, "release", agent_id=agent_id, reason=HANDED_OVER)


def cancel_consult(interaction_id: str, agent_id: int) -> None:
    """Back to the customer: the colleague's softphone leaves the call."""
    _live_call(interaction_id, agent_id)
    [ended] = VoiceCall.load(interaction_id).cancel_consult(agent_id)
    calls.record(interaction_id, lambda voice: voice.cancel_consult(agent_id))
    _to_room(interaction_id, "release", agent_id=ended.colleague_id, reason=CANCELLED)


def decline_consult(interaction_id: str, agent_id: int) -> None:
    """The colleague says no to a consult (before their softphone joins)."""
    calls.record(interaction_id, lambda voice: voice.decline_consult(agent_id))
    _to_room(interaction_id, "release", agent_id=agent_id, reason="declined")


def dtmf(interaction_id: str, agent_id: int, digits: str = "") -> None:
    """Keypad tones from the agent's softphone into the caller's audio."""
    call, _channel = _live_call(interaction_id, agent_id)
    if not call.stream_sid:
        raise DomainError("keys can be sent only on a softphone call")
    if not digits or any(key not in "0123456789*#" for key in digits) or len(digits) > 32:
        raise DomainError("keys are 0-9, * and #")
    _to_room(interaction_id, "dtmf", digits=digits)


def pause_recording(interaction_id: str, agent_id: int) -> None:
    """Silence in the recording from now (the caller reads a card number)."""
    _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).pause_recording(agent_id)  # refused before the room hears
    _to_room(interaction_id, "pause-recording")
    calls.record(interaction_id, lambda voice: voice.pause_recording(agent_id))


def resume_recording(interaction_id: str, agent_id: int) -> None:
    _live_call(interaction_id, agent_id)
    VoiceCall.load(interaction_id).resume_recording(agent_id)
    _to_room(interaction_id, "resume-recording")
    calls.record(interaction_id, lambda voice: voice.resume_recording(agent_id))


ACTIONS = {
    "pause-recording": pause_recording,
    "resume-recording": resume_recording,
    "hold": hold,
    "resume": resume,
    "hangup": hang_up,
    "transfer": transfer,
    "dtmf": dtmf,
    "consult": consult,
    "join": join,
    "hand-over": hand_over,
    "cancel-consult": cancel_consult,
    "decline-consult": decline_consult,
}


@agent_required
@require_POST
def control(request: HttpRequest, interaction_id: str, action: str) -> JsonResponse:
    if action not in ACTIONS:
        return JsonResponse({"error": f"unknown call control {action!r}"}, status=404)
    target = {}
    if action == "dtmf":
        try:
            body = strict_json.loads_object(request.body or b"{}")
        except ValueError as error:
            return JsonResponse({"error": f"bad keys: {error}"}, status=400)
        target = {"digits": str(body.get("digits", ""))}
    if action == "consult":
        try:
            body = strict_json.loads_object(request.body or b"{}")
            target = {"to_agent_id": int(body["to_agent_id"]) if body.get("to_agent_id") else None}
        except (ValueError, TypeError) as error:
            return JsonResponse({"error": f"bad consult target: {error}"}, status=400)
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
