"""The follower that delivers webhooks: one subscription at a time per worker (a lease taken
with SKIP LOCKED), events in log order, the checkpoint moved only past delivered events.

A failure stops that subscription where it is, to retry the same event after a backoff, so
nothing later overtakes it: in order per stream (indeed in log order), at least once. After
PAUSE_AFTER failures in a row (or a 410 Gone) it is paused, visible in admin, until someone
resumes or replays it.
"""

import logging
import time
from datetime import timedelta

import orjson
import urllib3
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q

from contactcenter import clock
from contactcenter.events import row_statements, store
from contactcenter.events.follower import follow
from contactcenter.events.models import Event
from contactcenter.events.store import RecordedEvent
from contactcenter.webhooks import signing
from contactcenter.webhooks.models import WebhookSubscription

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
ROUND_SECONDS = 20  # stop a round well inside the lease, so two workers never overlap
TIMEOUT = urllib3.Timeout(connect=5, read=10)
BACKOFF_SECONDS = [1, 5, 30, 120, 600, 1800, 3600]
PAUSE_AFTER = 8
BATCH = 500

# Whether the last round found a subscription running. Until one has, this process's commits
# do not wake the loop: it looks at its own pace, as it does for other processes' commits.
_running = True
_http = urllib3.PoolManager(num_pools=50, maxsize=4, retries=False, timeout=TIMEOUT)
_encoder = DjangoJSONEncoder()


def webhook_id(event: RecordedEvent) -> str:
    """The same for every delivery of one event: receivers deduplicate on it."""
    return f"evt_{event.position}"


def body_of(event: RecordedEvent) -> bytes:
    return orjson.dumps(
        {
            "id": webhook_id(event),
            "type": event.type,
            "timestamp": event.occurred_at,
            "position": event.position,
            "stream_id": event.stream_id,
            "version": event.version,
            "data": event.data,
            "metadata": event.metadata,
        },
        default=_encoder.default,
    )


class Refused(Exception):
    def __init__(self, reason: str, *, gone: bool = False):
        super().__init__(reason)
        self.gone = gone


def post(subscription: WebhookSubscription, event: RecordedEvent) -> None:
    body = body_of(event)
    headers = signing.headers(
        subscription.secret, webhook_id(event), int(clock.now().timestamp()), body
    )
    try:
        response = _http.request(
            "POST", subscription.url, body=body, headers=headers, redirect=False
        )
    except urllib3.exceptions.HTTPError as error:
        raise Refused(f"{type(error).__name__}: {error}") from error
    if not 200 <= response.status < 300:
        raise Refused(f"HTTP {response.status}", gone=response.status == 410)


def claim() -> WebhookSubscription | None:
    """The due subscription served longest ago, leased to this worker for one round."""
    global _running
    # Without a running subscription there is nothing to claim, and asking that in SQL made
    # once costs a tenth of building and compiling the claim (which was an eighth of a
    # router's CPU).
    _running = bool(row_statements.where(WebhookSubscription, names=("pk",), paused=False, limit=1))
    if not _running:
        return None
    now = clock.now()
    with transaction.atomic():
        subscription = (
            WebhookSubscription.objects.filter(paused=False)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .exclude(lease_until__gt=now)
            .order_by(F("last_round_at").asc(nulls_first=True), "pk")
            .select_for_update(skip_locked=True)
            .first()
        )
        if subscription is not None:
            subscription.lease_until = now + LEASE
            subscription.save(update_fields=["lease_until"])
    return subscription


class _Round:
    """One claimed subscription's round, as a follower of the log: its checkpoint is the
    subscription's own position, moved (with its counters) only while its lease holds."""

    def __init__(self, subscription: WebhookSubscription):
        self.subscription = subscription
        self.delivered, self.failure, self.recorded = 0, None, False

    @property
    def position(self) -> int:
        return self.subscription.position

    def post_each(self, events: list[RecordedEvent]) -> int:
        """Post what the subscription wants, in order, for at most a round's time; the
        position reached (a refusal stops the round where it happened)."""
        started, position = time.monotonic(), self.subscription.position
        for event in events:
            if time.monotonic() - started > ROUND_SECONDS:
                break
            if self.subscription.wants(event.type):
                try:
                    post(self.subscription, event)
                except Refused as error:
                    self.failure = error
                    break
                self.delivered += 1
            position = event.position
        return position

    def advance(self, position: int) -> None:
        _record(self.subscription, position, self.delivered, self.failure)
        self.recorded = True


def deliver(subscription: WebhookSubscription) -> int:
    """One round for one claimed subscription; returns events read."""
    round_ = _Round(subscription)
    read = follow(round_, round_.post_each, batch=BATCH)
    if not round_.recorded:  # nothing new: the round still ends (lease given back)
        _record(subscription, subscription.position, 0, None)
    return read


def _record(subscription, position: int, delivered: int, failure: Refused | None) -> None:
    now = clock.now()
    changes = {"position": position, "lease_until": None, "last_round_at": now}
    if delivered:
        changes |= {"delivered": subscription.delivered + delivered, "last_delivered_at": now}
    if failure is None:
        changes |= {"consecutive_failures": 0, "next_attempt_at": None}
    else:
        failures = subscription.consecutive_failures + 1
        wait = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]
        changes |= {
            "consecutive_failures": failures,
            "next_attempt_at": now + timedelta(seconds=wait),
            "last_error": str(failure)[:500],
            "last_error_at": now,
        }
        if failure.gone or failures >= PAUSE_AFTER:
            reason = (
                "the receiver said 410 Gone" if failure.gone else f"{failures} failures in a row"
            )
            changes |= {"paused": True, "paused_reason": f"{reason}; last: {failure}"[:300]}
            log.warning("webhook %s paused: %s", subscription, changes["paused_reason"])
        else:
            log.info("webhook %s failed (%s); retrying in %ss", subscription, failure, wait)
    # Only while the lease is ours: a worker that overran it must not move the checkpoint.
    WebhookSubscription.objects.filter(
        pk=subscription.pk, lease_until=subscription.lease_until
    ).update(**changes)


def run_once(rounds: int = 10) -> int:
    """Up to `rounds` subscription rounds, one claimed at a time (each within its lease)."""
    handled = 0
    for _ in range(rounds):
        subscription = claim()
        if subscription is None:
            break
        handled += deliver(subscription)
    return handled


def replay(subscription: WebhookSubscription, after_position: int) -> None:
    """Deliver again everything after `after_position` (0: the whole log), and resume."""
    if after_position and not Event.objects.filter(position=after_position).exists():
        raise store.UnknownPosition(after_position)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        position=after_position,
        paused=False,
        paused_reason="",
        consecutive_failures=0,
        next_attempt_at=None,
        lease_until=None,
    )


def webhook_loop():
    from contactcenter.workers.loop import Loop, woken_by_commits

    # Woken at every commit of this process (a router's every offer) while a subscription
    # runs; without one, each wake-up was a read that found none: a tenth of a router's
    # round at one arrival a round (issue 18). A new or resumed subscription is found at
    # the loop's next round, within a second, and from then on commits wake it again.
    return woken_by_commits(Loop("webhooks", run_once, idle=1.0), only_while=lambda: _running)
