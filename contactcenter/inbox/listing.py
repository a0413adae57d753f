"""The inbox views: which conversations each shows, filtered and ordered, with unread counts.

*Mine* is what the agent holds; *Waiting in my queues* is work not yet answered in the agent's
queues; *All* is every open conversation (supervisors only); *Closed* is ended work the agent
may read. Every view starts from `access.visible_interactions`, so nothing here widens what a
person may see."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from contactcenter.access import ENDED, agent_queue_ids, visible_interactions
from contactcenter.inbox.filters import VIEWS, Filters
from contactcenter.inbox.models import ReadMarker
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.labels.models import Labelled
from contactcenter.roles import is_supervisor
from crm.models import Customer
from routing import config

WAITING = ("queued", "offered", "self_service")
OPEN = ("queued", "offered", "active", "wrap_up", "self_service")
PAGE = 100
# Ordering by SLA needs each row's queue threshold, so the candidates are ordered here rather
# than in SQL: this many of the oldest, which holds any list a person can work through.
CANDIDATES = 500


class NotAllowed(Exception):
    pass


@dataclass(frozen=True)
class Listing:
    items: list[dict[str, Any]]
    unread: dict[str, int]  # view -> conversations with unread customer messages
    # Of "mine", those in hand (not offers) with unread customer messages: what the console's
    # title counts beside its offers, which would count an offered chat twice.
    in_hand_unread: int = 0


def views_for(user: AbstractBaseUser) -> tuple[str, ...]:
    return VIEWS if is_supervisor(user) else tuple(v for v in VIEWS if v != "all")


def rows(user: AbstractBaseUser, view: str) -> QuerySet[Interaction]:
    if view not in views_for(user):
        raise NotAllowed(f"the {view} view is for supervisors")
    visible = visible_interactions(user)
    if view == "mine":
        return visible.filter(
            Q(agent_id=user.pk, state__in=("active", "wrap_up"))
            | Q(offer_agent_id=user.pk, state="offered")
        )
    if view == "queues":
        return visible.filter(state__in=WAITING, queue_id__in=agent_queue_ids(user))
    if view == "all":
        return visible.filter(state__in=OPEN)
    return visible.filter(state__in=ENDED)


def filtered(queryset: QuerySet[Interaction], filters: Filters) -> QuerySet[Interaction]:
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.queue_id is not None:
        queryset = queryset.filter(queue_id=filters.queue_id)
    if filters.status:
        queryset = queryset.filter(state=filters.status)
    if filters.label:
        queryset = queryset.filter(
            Q(pk__in=_labelled("conversation", filters.label))
            | Q(customer_id__in=_labelled("customer", filters.label))
        )
    if filters.since:
        queryset = queryset.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        queryset = queryset.filter(created_at__lt=_day_start(filters.until) + timedelta(days=1))
    return queryset


def _labelled(subject: str, label: str) -> QuerySet:
    return Labelled.objects.filter(subject=subject, label=label).values("subject_id")


def listing(user: AbstractBaseUser, filters: Filters) -> Listing:
    now = timezone.now()
    candidates = list(
        filtered(rows(user, filters.view), filters).order_by("-created_at")[:CANDIDATES]
    )
    items = [_item(row, now) for row in candidates]
    if filters.sort == "recent":
        items.sort(key=lambda i: i["last_activity"], reverse=True)
    else:
        items.sort(key=_ordering(filters.sort))
    items = items[:PAGE]
    _add_names(items)
    _add_labels(items)
    unread = unread_counts(user.pk, [i["id"] for i in items])
    for item in items:
        item["unread"] = unread.get(item["id"], 0)
    mine, in_hand = _unread_in_mine(user)
    return Listing(
        items,
        {v: mine if v == "mine" else _unread_in(user, v) for v in views_for(user)},
        in_hand,
    )


def _ordering(sort: str):
    if sort == "waiting":  # the longest waiting first; what waits on nobody goes last
        return lambda i: (i["waiting_since"] is None, i["waiting_since"] or "")
    # sla: the furthest past (or nearest to) its queue's threshold first
    return lambda i: (i["sla_due"] is None, i["sla_due"] or "")


def _item(row: Interaction, now: datetime) -> dict[str, Any]:
    queue = config.queue(row.queue_id)
    waiting_since = (row.queued_at or row.first_queued_at) if row.state in WAITING else None
    threshold = queue.sl_threshold_seconds if queue else None
    due = waiting_since + timedelta(seconds=threshold) if waiting_since and threshold else None
    last = row.last_message_at or row.created_at
    return {
        "id": row.id,
        "channel": row.channel,
        "state": row.state,
        "subject": row.subject,
        "queue": {"id": queue.queue_id, "name": queue.name} if queue else None,
        "customer": {"id": row.customer_id, "name": ""},
        "agent_id": row.agent_id,
        "preview": row.last_message_preview,
        "created_at": row.created_at.isoformat(),
        "last_activity": last.isoformat(),
        # Ordering keys as ISO strings in UTC, which sort like the times they are.
        "waiting_since": waiting_since.isoformat() if waiting_since else None,
        "waiting_seconds": int((now - waiting_since).total_seconds()) if waiting_since else None,
        "sla_due": due.isoformat() if due else None,
        "sla_breached": bool(due and due <= now),
        "disposition": row.disposition,
    }


def _add_names(items: list[dict[str, Any]]) -> None:
    ids = {i["customer"]["id"] for i in items}
    names = dict(Customer.objects.filter(pk__in=ids).values_list("id", "name"))
    for item in items:
        item["customer"]["name"] = names.get(item["customer"]["id"], "")


def _add_labels(items: list[dict[str, Any]]) -> None:
    """Each conversation's labels and its customer's, for the list to show."""
    ids = [i["id"] for i in items] + [i["customer"]["id"] for i in items]
    found: dict[str, set[str]] = {}
    for subject_id, label in Labelled.objects.filter(subject_id__in=ids).values_list(
        "subject_id", "label"
    ):
        found.setdefault(subject_id, set()).add(label)
    for item in items:
        own = found.get(item["id"], set()) | found.get(item["customer"]["id"], set())
        item["labels"] = sorted(own)


def unread_counts(agent_id: int, interaction_ids: list[str]) -> dict[str, int]:
    """Customer messages after the agent's read marker, per conversation."""
    markers = dict(
        ReadMarker.objects.filter(
            agent_id=agent_id, interaction_id__in=interaction_ids
        ).values_list("interaction_id", "position")
    )
    counts: dict[str, int] = {}
    inbound = TranscriptEntry.objects.filter(
        interaction_id__in=interaction_ids, kind=TranscriptEntry.Kind.INBOUND
    ).values_list("interaction_id", "position")
    for interaction_id, position in inbound:
        if position > markers.get(interaction_id, 0):
            counts[interaction_id] = counts.get(interaction_id, 0) + 1
    return counts


def _unread_in(user: AbstractBaseUser, view: str) -> int:
    ids = list(rows(user, view).order_by("-created_at").values_list("id", flat=True)[:CANDIDATES])
    return len(unread_counts(user.pk, ids))


def _unread_in_mine(user: AbstractBaseUser) -> tuple[int, int]:
    """Mine's conversations with unread messages, and of them those in hand (not offers),
    from one read of the view."""
    found = rows(user, "mine").order_by("-created_at").values_list("id", "state")[:CANDIDATES]
    states = dict(found)
    unread = unread_counts(user.pk, list(states))
    return len(unread), sum(1 for interaction_id in unread if states[interaction_id] != "offered")


class UnknownMessage(ValueError):
    pass


def mark_read(agent_id: int, interaction_id: str, up_to_message: str = "") -> int:
    """What the agent has seen of the conversation is read: up to the message
    `up_to_message` (the last their console showed), or everything so far. Returns the
    position read up to."""
    entries = TranscriptEntry.objects.filter(interaction_id=interaction_id)
    if up_to_message:
        last = entries.filter(pk=up_to_message).values_list("position", flat=True).first()
        if last is None:
            raise UnknownMessage(f"no message {up_to_message!r} in this conversation")
    else:
        last = entries.order_by("-position").values_list("position", flat=True).first() or 0
    marker, created = ReadMarker.objects.get_or_create(
        agent_id=agent_id, interaction_id=interaction_id, defaults={"position": last}
    )
    if not created and marker.position < last:
        marker.position = last
        marker.save(update_fields=["position"])
    return last


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
