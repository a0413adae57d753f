"""The Messenger / Instagram webhook: GET is the subscription handshake, POST the signed
events (messages in, the page's echoes ignored, delivery and read receipts recorded)."""

import logging
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_adapters.messenger import inbound
from channels_adapters.messenger.models import MessengerPage
from channels_adapters.meta import receiving
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.models import ContactIdentity

log = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def hook(request: HttpRequest) -> HttpResponse:
    delivery = receiving.receive(
        request, list(MessengerPage.objects.filter(active=True)), "page_id"
    )
    if isinstance(delivery, HttpResponse):
        return delivery
    batch = inbound.read(delivery.payload)
    receiving.take_messages("messenger", delivery.ours, batch.messages)
    for receipt in batch.receipts:
        if receipt.page_id in delivery.ours:
            for entry in _receipted(receipt):
                receiving.record_status(
                    "messenger",
                    entry,
                    receipt.status,
                    key=f"messenger-{receipt.status}:{entry.external_id}",
                )
    return HttpResponse(status=200)  # Meta redelivers anything else


def _receipted(receipt: inbound.Receipt) -> list[TranscriptEntry]:
    """Our messages a receipt is about: those it names, else (a read watermark) every one
    sent to that customer on that page up to the watermark."""
    sent = TranscriptEntry.objects.filter(kind=TranscriptEntry.Kind.OUTBOUND).exclude(
        external_id=""
    )
    if receipt.mids:
        return list(sent.filter(external_id__in=receipt.mids))
    if not receipt.watermark:
        return []
    identity = ContactIdentity.objects.filter(key=f"messenger:{receipt.customer}").first()
    if identity is None:
        return []
    conversations = Interaction.objects.filter(
        channel="messenger", channel_key=receipt.page_id, customer_id=identity.customer_id
    ).values("id")
    until = datetime.fromtimestamp(receipt.watermark / 1000, tz=UTC)
    return list(sent.filter(interaction_id__in=conversations, occurred_at__lte=until))
