"""Twilio's Voice webhooks. Each checks the signature, turns the request into a command of
`calls`, and answers the TwiML of `calls.hears`."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.twilio.webhooks import Refused, channel_for, twiml
from channels_adapters.voice import bridge, calls, endings, outgoing, survey
from channels_adapters.voice import twiml as voice_twiml
from channels_adapters.voice.models import Call
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import Attachment

NUMBERS = ("To", "From")  # ours is To on a call that came in, From on one we placed


def urls(channel: TwilioChannel) -> dict[str, str]:
    return {
        name: channel.url(f"/hooks/twilio/voice/{path}")
        for name, path in {
            "voice": "",
            "wait": "wait/",
            "key": "key/",
            "dial": "dial/",
            "recording": "recording/",
            "transcription": "transcription/",
        }.items()
    }


def webhook(handler):
    """Signature and CallSid checked, the actor set, domain refusals as 4xx."""

    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        try:
            channel = channel_for(request, kind="voice", number_fields=NUMBERS)
        except Refused as refused:
            return refused.response
        form = {key: request.POST.get(key, "") for key in request.POST}
        if not form.get("CallSid"):
            return HttpResponseBadRequest("CallSid is missing")
        with acting_as("provider:twilio", causation_id=form["CallSid"]):
            try:
                return handler(request, channel, form)
            except Call.DoesNotExist:
                return HttpResponseNotFound(f"no call {form['CallSid']} here")
            except DomainError as error:
                return HttpResponse(str(error), status=409)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


@webhook
def incoming(request, channel, form):
    """A call comes in (no `turn`), or the caller answers a flow prompt (`turn`)."""
    turn = request.GET.get("turn")
    if turn is None:
        started = calls.ring(channel, form)
        call = Call.objects.get(pk=form["CallSid"])
        return twiml(calls.hears(channel, call, started, urls(channel)))
    call = Call.objects.get(pk=form["CallSid"])
    digits, speech = form.get("Digits", ""), form.get("SpeechResult", "")
    silent = request.GET.get("silence") == "1"
    answered = calls.answer(
        channel,
        call,
        f"turn-{turn}" + ("-silence" if silent else ""),
        text="" if silent else (speech or digits),
        choice="" if silent else digits,
        channel_data={"digits": digits, "speech": speech} if (digits or speech) else {},
    )
    return twiml(calls.hears(channel, call, answered, urls(channel)))


@webhook
def recording(request, channel, form):
    """<Record>'s action: the voicemail is in (or nothing was said)."""
    call = Call.objects.get(pk=form["CallSid"])
    turn = request.GET.get("turn", "0")
    url = form.get("RecordingUrl", "")
    try:
        seconds = int(form.get("RecordingDuration") or 0)
    except ValueError:
        seconds = 0
    media = (
        (Attachment(name="voicemail.wav", content_type="audio/x-wav", size=0, url=url),)
        if url and seconds > 0
        else ()
    )
    answered = calls.answer(
        channel,
        call,
        f"turn-{turn}-recording",
        text=f"Voicemail ({seconds} s)" if media else "",
        attachments=media,
        channel_data={
            "recording": {k: form[k] for k in ("RecordingSid", "RecordingDuration") if k in form}
        },
    )
    return twiml(calls.hears(channel, call, answered, urls(channel)))


@webhook
def transcription(request, channel, form):
    endings.transcribed(Call.objects.get(pk=form["CallSid"]), form)
    return HttpResponse(status=204)


@webhook
def wait(request, channel, form):
    """The hold loop comes round: where the caller stands now (or their agent is ready)."""
    call = Call.objects.get(pk=form["CallSid"])
    return twiml(calls.hears(channel, call, calls.Turn(call.interaction_id, 10**9), urls(channel)))


@webhook
def key(request, channel, form):
    """A key pressed while waiting: the callback key hangs up and keeps the place."""
    call = Call.objects.get(pk=form["CallSid"])
    if channel.callback_key and form.get("Digits", "") == channel.callback_key:
        endings.request_callback(call, source="queue")
    return twiml(calls.hears(channel, call, calls.Turn(call.interaction_id, 10**9), urls(channel)))


@webhook
def dial(request, channel, form):
    """<Dial>'s action: the agent's leg ended; the caller is put back in line if the agent
    never answered, else is asked to rate the call (voice survey on), else the call ends."""
    call = Call.objects.get(pk=form["CallSid"])
    state = bridge.agent_leg_ended(call, form)
    if state in ("queued", "offered"):
        return twiml(
            calls.hears(channel, call, calls.Turn(call.interaction_id, 10**9), urls(channel))
        )
    question = survey.after_the_agent_left(channel, call, form) if state == "active" else None
    if question is not None:
        return twiml(question)
    return twiml(voice_twiml.goodbye(channel, []))


@webhook
def answered_outbound(request, channel, form):
    """The customer answered a call an agent placed from the console: its audio joins them."""
    call = Call.objects.get(pk=form["CallSid"], direction=outgoing.DIRECTION)
    return twiml(outgoing.answered(channel, call))


@webhook
def rating(request, channel, form):
    """The keypad survey's Gather action: the key the caller pressed after the agent hung up."""
    call = Call.objects.get(pk=form["CallSid"])
    said = survey.answer(call, form.get("Digits", ""))
    return twiml(voice_twiml.goodbye(channel, [said]))


@webhook
def status(request, channel, form):
    """The status callback: only final statuses change anything."""
    call = Call.objects.filter(pk=form["CallSid"]).first()
    if call is None:
        return HttpResponseNotFound(f"no call {form['CallSid']} here")
    if form.get("CallStatus") in endings.FINAL:
        endings.call_ended(call, form)
    return HttpResponse(status=204)
