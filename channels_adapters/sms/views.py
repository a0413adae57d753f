"""Twilio's Messaging webhooks, and the two small JSON answers the console asks for."""

import base64
import logging
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from twilio.twiml.messaging_response import MessagingResponse

from channels_adapters.sms import consent, segments, survey
from channels_adapters.twilio.models import TWILIO_API, TwilioChannel
from channels_adapters.twilio.webhooks import Refused, channel_for, twiml
from contactcenter.attachments import provider_media
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import Attachment, InboundMessage, ingest
from contactcenter.interactions.models import TranscriptEntry
from contactcenter.roles import agent_required
from crm.identities import InvalidIdentity, e164

log = logging.getLogger(__name__)
KEPT_FIELDS = ("NumSegments", "NumMedia", "MessagingServiceSid", "FromCountry", "FromCity")
FAILED = {"failed", "undelivered"}
# The errors a failed message most often carries, in words (Twilio's error dictionary).
ERRORS = {
    "21610": "the recipient replied STOP",
    "30003": "unreachable destination handset",
    "30004": "message blocked",
    "30005": "unknown destination handset",
    "30006": "landline or unreachable carrier",
    "30007": "filtered by the carrier",
    "30008": "unknown error",
}


@csrf_exempt
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    try:
        channel = channel_for(request, kind="sms")
    except Refused as refused:
        return refused.response
    form = request.POST
    sid = form.get("MessageSid") or form.get("SmsSid", "")
    if not sid:
        return HttpResponseBadRequest("MessageSid is missing")
    try:
        sender = e164(form.get("From", ""))
    except InvalidIdentity as error:
        return HttpResponseBadRequest(f"From: {error}")
    body = form.get("Body", "")
    word = consent.keyword(body)
    reply = MessagingResponse()
    message = InboundMessage(
        channel="sms",
        channel_key=channel.phone_number,
        sender_kind="phone",
        sender_address=sender,
        threading_key=sender,
        external_id=sid,
        text=body,
        attachments=_media(form, channel, sid),
        channel_data={"twilio": {k: form[k] for k in KEPT_FIELDS if k in form}},
        # A keyword joins an open conversation for the record, and never starts one.
        automated=bool(word),
    )
    recorded = False  # the copied media stay only with a message appended with them
    with acting_as("provider:twilio", causation_id=sid):
        try:
            if not word and survey.answer(channel.phone_number, sender, sid, body):
                reply.message(survey.THANKS)
                return twiml(reply)
            if word in consent.OPT_OUT | consent.OPT_IN:
                consent.record(sender, channel.phone_number, word, sid)
            recorded = not ingest(message).duplicate
        except DomainError as error:
            return HttpResponseBadRequest(str(error))
        finally:
            if not recorded:
                provider_media.discard(message.attachments)
    if word in consent.HELP and channel.help_text:
        reply.message(channel.help_text)
    return twiml(reply)


MEDIA_BUDGET_S = 8.0  # copying an MMS's media; Twilio waits 15 s for the webhook's answer


def _media(form, channel: TwilioChannel, sid: str) -> tuple[Attachment, ...]:
    """An MMS's media, copied from Twilio into our storage (contactcenter/attachments/
    provider_media.py); a redelivery's are not copied again."""
    try:
        count = int(form.get("NumMedia", "0") or 0)
    except ValueError:
        count = 0
    hosted = [
        Attachment(
            name=f"media-{n}",
            content_type=form.get(f"MediaContentType{n}", "application/octet-stream"),
            size=0,  # Twilio hosts it, until it is copied
            url=form[f"MediaUrl{n}"],
        )
        for n in range(min(count, 10))
        if form.get(f"MediaUrl{n}")
    ]
    if not hosted or TranscriptEntry.objects.filter(external_id=sid, kind="inbound").exists():
        return tuple(hosted)
    auth = base64.b64encode(f"{channel.account_sid}:{channel.auth_token}".encode()).decode()
    hosts = {urlsplit(channel.api_base_url or TWILIO_API).hostname}
    return provider_media.copy_all(
        [
            provider_media.Source(a, frozenset(hosts), (("Authorization", f"Basic {auth}"),))
            for a in hosted
        ],
        budget_s=MEDIA_BUDGET_S,
    )


@csrf_exempt
@require_POST
def status(request: HttpRequest) -> HttpResponse:
    """A delivery status callback for a message we sent (its ids are in the URL we gave)."""
    try:
        channel_for(request, kind="sms", number_fields=("From", "To"))
    except Refused as refused:
        return refused.response
    interaction_id = request.GET.get("interaction", "")
    message_id = request.GET.get("message", "")
    sid = request.POST.get("MessageSid", "")
    word = request.POST.get("MessageStatus", "")
    if not (interaction_id and message_id and sid and word):
        return HttpResponseBadRequest("interaction, message, MessageSid and MessageStatus needed")
    code = request.POST.get("ErrorCode", "")
    reason = ""
    if word in FAILED:
        reason = f"Twilio: {word}" + (f", error {code}" if code else "")
        reason += f" ({ERRORS[code]})" if code in ERRORS else ""
    with acting_as("provider:twilio", causation_id=sid):
        try:
            interactions.record_delivery(
                interaction_id,
                message_id,
                status="failed" if word in FAILED else word,
                reason=reason,
                external_id=sid,
                idempotency_key=f"twilio-sms-status:{sid}:{word}",
            )
        except DomainError as error:
            return HttpResponse(str(error), status=404)
    return HttpResponse(status=204)


@agent_required
@require_GET
def segment_count(request: HttpRequest) -> JsonResponse:
    """For the composer: the segments and encoding of `text` as typed so far."""
    return JsonResponse(segments.count(request.GET.get("text", "")).as_dict())


@agent_required
@require_GET
def consent_status(request: HttpRequest) -> JsonResponse:
    """For the console: may this number be texted (`number`, any format)?"""
    try:
        number = e164(request.GET.get("number", ""))
    except InvalidIdentity as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(consent.status(number))
