"""Twilio's callbacks for the dialler's calls: the answer URL (TwiML), the status callback
and the asynchronous AMD callback. Each is signed (X-Twilio-Signature over the URL with its
query), names its attempt in the query, and is idempotent: Twilio retries."""

import contextlib

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels_adapters.twilio.client import client
from channels_adapters.twilio.webhooks import Refused, channel_for, twiml
from contactcenter import clock
from contactcenter.events.context import acting_as
from outbound import commands, connect, floor
from outbound.models import CampaignContact, DialAttempt

FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
MACHINE = ("machine", "fax")


def callback(handler):
    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        try:
            channel = channel_for(request, kind="voice", number_fields=("From", "To"))
        except Refused as refused:
            return refused.response
        attempt_id = request.GET.get("attempt", "")
        contact_id = request.GET.get("contact", "")
        if not attempt_id or not contact_id.isdigit():
            return HttpResponseBadRequest("the callback URL names no attempt")
        contact = CampaignContact.objects.select_related("campaign").filter(pk=contact_id).first()
        if (
            contact is None
            or not DialAttempt.objects.filter(pk=attempt_id, contact_id=contact.pk).exists()
        ):
            return HttpResponseNotFound(f"no attempt {attempt_id} here")
        form = {key: request.POST.get(key, "") for key in request.POST}
        with acting_as("provider:twilio", causation_id=form.get("CallSid", "")):
            return handler(channel, contact, attempt_id, form)

    view.__name__ = handler.__name__
    return view


@callback
def answered(channel, contact: CampaignContact, attempt_id: str, form: dict) -> HttpResponse:
    """The call was picked up: put it through to its agent (progressive) or to whoever is
    free (predictive); with nobody, the campaign's message — an abandoned call."""
    attempt = DialAttempt.objects.get(pk=attempt_id)
    campaign = contact.campaign
    if attempt.agent:  # progressive, preview: the line was theirs all along
        leg = connect.agent_leg(channel, int(attempt.agent))
        commands.answer(contact, attempt_id, attempt.agent if leg is not None else "")
    else:
        reachable = [
            str(a)
            for a in floor.agents(campaign, clock.now()).ready
            if connect.agent_leg(channel, a) is not None
        ]
        agent = commands.answer_with_a_free_agent(contact, attempt_id, reachable)
        leg = connect.agent_leg(channel, int(agent)) if agent else None
    if leg is None:
        return twiml(connect.no_agent(channel, campaign.no_agent_message))
    return twiml(leg)


@callback
def machine_detected(channel, contact, attempt_id: str, form: dict) -> HttpResponse:
    """Twilio's AMD result. A machine is hung up on (and retried by the campaign's rules)."""
    answered_by = form.get("AnsweredBy", "unknown") or "unknown"
    commands.classify(contact, attempt_id, answered_by)
    if answered_by.startswith(MACHINE) and form.get("CallSid"):
        # The call may be over already: its status callback ends the attempt either way.
        with contextlib.suppress(Exception):
            client(channel).calls(form["CallSid"]).update(twiml=str(connect.hang_up()))
    return HttpResponse(status=204)


@callback
def status(channel, contact, attempt_id: str, form: dict) -> HttpResponse:
    call_status = form.get("CallStatus", "")
    if call_status in FINAL:
        raw = form.get("CallDuration", "")
        duration = int(raw) if raw.isdigit() else 0
        commands.end(contact, attempt_id, duration=duration, call_status=call_status)
    return HttpResponse(status=204)
