"""The Messenger / Instagram webhook: GET is the subscription handshake, POST the signed
events (messages in, the page's echoes ignored, delivery and read receipts recorded)."""

import logging
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_adapters.messenger import inbound
from channels_adapters.messenger.models import MessengerPage
from channels_adapters.meta import webhooks
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction, TranscriptEntry
from crm.identities import InvalidIdentity
from crm.models import ContactIdentity

log = logging.getLogger(__name__)
RANK = {"": 0, "queued": 0, "sent": 1, "delivered": 2, "read": 3}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def hook(request: HttpRequest) -> HttpResponse:
    pages = list(MessengerPage.objects.filter(active=True))
    if request.method == "GET":
        return webhooks.handshake(request, (p.verify_token for p in pages))
    try:
        payload, secret = webhooks.signed_payload(request, {p.app_secret for p in pages})
    except webhooks.Refused as refused:
        return refused.response
    ours = {p.page_id for p in pages if p.app_secret == secret}
    batch = inbound.read(payload)
    for page, message in batch.messages:
        if page not in ours:
            log.warning("Messenger message for page %s, which is not ours: dropped", page)
            continue
        with acting_as("provider:messenger", causation_id=message.external_id):
            try:
                ingest(message)
            except (DomainError, InvalidIdentity) as error:
                log.warning("Messenger message %s not taken: %s", message.external_id, error)
    for receipt in batch.receipts:
        if receipt.page_id in ours:
            for entry in _receipted(receipt):
                _record(entry, receipt.status)
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


def _record(entry: TranscriptEntry, status: str) -> None:
    if RANK.get(entry.delivery_status, 0) >= RANK[status]:
        return  # a status never goes back, and a redelivered receipt changes nothing
    with acting_as("provider:messenger", causation_id=entry.external_id):
        try:
            interactions.record_delivery(
                entry.interaction_id,
                entry.id,
                status=status,
                external_id=entry.external_id,
                idempotency_key=f"messenger-{status}:{entry.external_id}",
            )
        except DomainError as error:
            log.warning("Messenger receipt for %s not recorded: %s", entry.external_id, error)
