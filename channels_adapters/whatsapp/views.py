"""The Cloud API webhook (GET: the subscription handshake; POST: signed messages and
statuses) and the console's way to a customer's media, which Meta hosts behind our token."""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from channels_adapters.base import DeliveryError
from channels_adapters.meta import graph, receiving
from channels_adapters.whatsapp import inbound
from channels_adapters.whatsapp.models import WhatsAppChannel
from contactcenter.access import can_open
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.roles import agent_required

log = logging.getLogger(__name__)
SHOWN_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def hook(request: HttpRequest) -> HttpResponse:
    delivery = receiving.receive(
        request, list(WhatsAppChannel.objects.filter(active=True)), "phone_number_id"
    )
    if isinstance(delivery, HttpResponse):
        return delivery
    batch = inbound.read(delivery.payload)
    receiving.take_messages("whatsapp", delivery.ours, batch.messages)
    for status in batch.statuses:
        if status.phone_number_id in delivery.ours:
            record_status(status)
    return HttpResponse(status=200)  # Meta redelivers anything else


def record_status(status: inbound.Status) -> None:
    entry = TranscriptEntry.objects.filter(
        external_id=status.external_id, kind=TranscriptEntry.Kind.OUTBOUND
    ).first()
    if entry is None:
        return  # not sent through us, or its "sent" outran the outbox's own record
    receiving.record_status(
        "whatsapp",
        entry,
        status.status,
        reason=status.reason,
        key=f"whatsapp-status:{status.external_id}:{status.status}",
    )


@agent_required
@require_GET
def media(request: HttpRequest, media_id: str) -> HttpResponse:
    """A customer's photo or file (?message=<the wamid that carried it>): only for someone who
    may open its conversation."""
    wamid = request.GET.get("message", "")
    entry = (
        TranscriptEntry.objects.filter(external_id=wamid, kind="inbound").first() if wamid else None
    )
    if entry is None or not any(media_id in a.get("url", "") for a in entry.attachments):
        return JsonResponse({"error": "no such media"}, status=404)
    if not can_open(request.user, entry.interaction_id):
        return JsonResponse({"error": "you may not open this conversation"}, status=403)
    row = Interaction.objects.get(pk=entry.interaction_id)
    channel = WhatsAppChannel.objects.filter(phone_number_id=row.channel_key).first()
    if channel is None:
        return JsonResponse({"error": "the WhatsApp number is gone"}, status=404)
    token = channel.access_token
    try:
        info = graph.call(channel.api_base_url, channel.api_version, media_id, token)
        content, content_type = graph.fetch(str(info.get("url", "")), token)
    except DeliveryError as error:
        return JsonResponse({"error": f"WhatsApp did not hand the media over: {error}"}, status=502)
    content_type = str(info.get("mime_type") or content_type)
    inline = content_type in SHOWN_INLINE
    response = HttpResponse(
        content, content_type=content_type if inline else "application/octet-stream"
    )
    response["Content-Disposition"] = "inline" if inline else f'attachment; filename="{media_id}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
