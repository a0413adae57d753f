"""The first steps of every Twilio webhook: find the channel the request is for, check it is
Twilio's, and answer with TwiML."""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound

from channels_adapters.twilio import signature
from channels_adapters.twilio.models import TwilioChannel
from crm.identities import InvalidIdentity, e164


class Refused(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def channel_for(
    request: HttpRequest, *, kind: str, number_fields: tuple[str, ...] = ("To",)
) -> TwilioChannel:
    """The channel owning our number (in "To" inbound, "From" in callbacks about what we
    sent), signature checked; raises Refused with the 4xx to return."""
    channel, raw = None, ""
    for field in number_fields:
        raw = request.POST.get(field, "")
        try:
            number = e164(raw) if raw else ""
        except InvalidIdentity:
            continue
        channel = TwilioChannel.objects.filter(phone_number=number).first() if number else None
        if channel is not None:
            break
    if channel is None or not getattr(channel, f"{kind}_enabled"):
        raise Refused(HttpResponseNotFound(f"no Twilio {kind} channel for {raw or '(no number)'}"))
    if not signature.is_valid(channel, request):
        reason = (
            "bad X-Twilio-Signature"
            if request.headers.get("X-Twilio-Signature")
            else "missing X-Twilio-Signature"
        )
        checked = signature.public_url(channel, request)
        raise Refused(HttpResponseForbidden(f"{reason} (checked against {checked})"))
    if request.POST.get("AccountSid", channel.account_sid) != channel.account_sid:
        raise Refused(HttpResponseForbidden("the request is for another Twilio account"))
    return channel


def twiml(document: object) -> HttpResponse:
    return HttpResponse(str(document), content_type="text/xml; charset=utf-8")
