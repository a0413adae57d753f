"""The outbox: every MessageSent is delivered by its channel's adapter, at least once.

The log is the outbox. A follower turns each committed MessageSent into a Delivery row; a
sender claims due rows with a short lease, calls the adapter outside any transaction, and
records the outcome as an event (MessageDelivered, or MessageDeliveryFailed once retries run
out or the provider refuses for good). A crash between sending and recording means the
message goes again after the lease: at least once, never silently lost.
"""

import logging
from datetime import timedelta

from django.db import transaction

from channels_adapters import base
from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.events.follower import follow_named
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Delivery, Interaction
from crm.models import ContactIdentity, Customer

log = logging.getLogger(__name__)

CHECKPOINT = "outbox"
LEASE = timedelta(seconds=60)
BACKOFF_SECONDS = [5, 30, 120, 600, 1800]  # then give up: MessageDeliveryFailed
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1  # the first send and one retry after each pause
BATCH = 20


def collect(batch: int = 500) -> int:
    """Turn newly committed MessageSent events into pending deliveries."""
    return follow_named(CHECKPOINT, _pending, types=["MessageSent"], batch=batch)


def _pending(events: list) -> None:
    now = clock.now()
    for event in events:
        channel = event.data["channel"]
        if base.capabilities(channel).delivered_by_push:
            continue
        Delivery.objects.get_or_create(
            message_id=event.data["message_id"],
            defaults={
                "interaction_id": event.data["interaction_id"],
                "channel": channel,
                "position": event.position,
                "next_attempt_at": now,
            },
        )


def claim(limit: int = BATCH) -> list[Delivery]:
    """Take due deliveries for a while; another sender skips them until the lease ends."""
    now = clock.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .exclude(lease_until__gt=now)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)[:limit]
        )
        for delivery in due:
            delivery.lease_until = now + LEASE
            delivery.attempts += 1
        Delivery.objects.bulk_update(due, ["lease_until", "attempts"])
    return due


def message_for(delivery: Delivery) -> base.OutboundMessage:
    event = _sent_event(delivery)
    interaction = Interaction.objects.get(pk=delivery.interaction_id)
    customer = Customer.objects.filter(pk=interaction.customer_id).first()
    return base.OutboundMessage(
        interaction_id=delivery.interaction_id,
        message_id=delivery.message_id,
        channel=delivery.channel,
        channel_key=interaction.channel_key,
        threading_key=interaction.threading_key,
        to_address=_address(interaction),
        to_name=customer.name if customer else "",
        text=event.data.get("text", ""),
        html=event.data.get("html", ""),
        subject=event.data.get("subject", ""),
        attachments=event.data.get("attachments", []),
        author=event.data.get("author", ""),
        author_name=event.data.get("author_name", ""),
        channel_data=event.data.get("channel_data", {}),
        attempt=delivery.attempts,
        max_attempts=MAX_ATTEMPTS,
    )


def _sent_event(delivery: Delivery):
    for event in store.read_stream(f"interaction-{delivery.interaction_id}"):
        if event.type == "MessageSent" and event.data["message_id"] == delivery.message_id:
            return event
    raise LookupError(f"no MessageSent {delivery.message_id}")


def _address(interaction: Interaction) -> str:
    """The customer's address on the interaction's channel (their first, if several)."""
    kind = base.identity_kind(interaction.channel)
    identity = (
        ContactIdentity.objects.filter(customer_id=interaction.customer_id, kind=kind)
        .order_by("created_at")
        .first()
    )
    return identity.address if identity else ""


def send(delivery: Delivery) -> str:
    """Deliver one claimed message; returns what became of it."""
    adapter = base.adapter_for(delivery.channel)
    if adapter is None:
        return _fail(delivery, f"no adapter sends {delivery.channel} messages")
    try:
        result = adapter.send(message_for(delivery))
    except base.PermanentFailure as error:
        return _fail(delivery, str(error))
    except Exception as error:  # a temporary failure, or an adapter bug: retry either way
        retry_after = getattr(error, "retry_after", None)
        if not isinstance(error, base.TemporaryFailure):
            log.exception("delivering %s failed", delivery.message_id)
        if delivery.attempts >= MAX_ATTEMPTS:
            return _fail(delivery, f"gave up after {delivery.attempts} attempts: {error}")
        wait = max(retry_after or 0, BACKOFF_SECONDS[delivery.attempts - 1])
        Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=clock.now() + timedelta(seconds=wait),
            lease_until=None,
            last_error=str(error)[:500],
        )
        log.warning(
            "delivery of %s failed (attempt %d of %d), retrying in %ss: %s",
            delivery.message_id,
            delivery.attempts,
            MAX_ATTEMPTS,
            wait,
            error,
        )
        return "retrying"
    _record(delivery, status=result.status, external_id=result.external_id)
    return result.status


@command
def _record(delivery: Delivery, *, status: str, external_id: str = "", reason: str = "") -> None:
    interactions.record_delivery(
        delivery.interaction_id,
        delivery.message_id,
        status=status,
        reason=reason,
        attempts=delivery.attempts,
        external_id=external_id,
        idempotency_key=f"delivery:{delivery.message_id}:{status}",
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED if status == "failed" else Delivery.Status.SENT,
        lease_until=None,
        last_error=reason[:500],
        external_id=external_id,
    )


def _fail(delivery: Delivery, reason: str) -> str:
    log.error("delivery of %s failed for good: %s", delivery.message_id, reason)
    _record(delivery, status="failed", reason=reason)
    return "failed"


def run_once() -> int:
    done = collect()
    for delivery in claim():
        send(delivery)
        done += 1
    return done


def outbox_loop():
    from contactcenter.workers.loop import Loop, woken_by_commits

    return woken_by_commits(Loop("outbox", run_once, idle=1.0), {"MessageSent"})
