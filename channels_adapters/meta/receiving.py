"""What the WhatsApp and Messenger webhooks do alike once a delivery is Meta's: take each
message addressed to one of our accounts, and record a delivery status on the message it
names — a status never goes back, and a redelivered one changes nothing."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from channels_adapters.meta import webhooks
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import InboundMessage, ingest
from contactcenter.interactions.models import TranscriptEntry
from crm.identities import InvalidIdentity

log = logging.getLogger(__name__)
RANK = {"": 0, "queued": 0, "sent": 1, "delivered": 2, "read": 3}


@dataclass(frozen=True)
class Delivery:
    payload: dict[str, Any]
    ours: set[str]  # the account ids (phone number ids, page ids) the signing secret is for


def receive(request: HttpRequest, accounts: list, account_id: str) -> Delivery | HttpResponse:
    """GET answers Meta's handshake; a POST is a Delivery once its signature is one of ours
    (an HttpResponse refusing it otherwise)."""
    if request.method == "GET":
        return webhooks.handshake(request, (a.verify_token for a in accounts))
    try:
        payload, secret = webhooks.signed_payload(request, {a.app_secret for a in accounts})
    except webhooks.Refused as refused:
        return refused.response
    return Delivery(payload, {getattr(a, account_id) for a in accounts if a.app_secret == secret})


def take_messages(
    provider: str, ours: set[str], messages: Iterable[tuple[str, InboundMessage]]
) -> None:
    for account, message in messages:
        if account not in ours:
            log.warning("%s message for %s, which is not ours: dropped", provider, account)
            continue
        with acting_as(f"provider:{provider}", causation_id=message.external_id):
            try:
                ingest(message)
            except (DomainError, InvalidIdentity) as error:
                log.warning("%s message %s not taken: %s", provider, message.external_id, error)


def record_status(
    provider: str, entry: TranscriptEntry, status: str, *, key: str, reason: str = ""
) -> None:
    if status != "failed" and RANK.get(entry.delivery_status, 0) >= RANK[status]:
        return
    with acting_as(f"provider:{provider}", causation_id=entry.external_id):
        try:
            interactions.record_delivery(
                entry.interaction_id,
                entry.id,
                status=status,
                reason=reason,
                external_id=entry.external_id,
                idempotency_key=key,
            )
        except DomainError as error:
            log.warning("%s status for %s not recorded: %s", provider, entry.external_id, error)
