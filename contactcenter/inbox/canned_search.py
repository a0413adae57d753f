"""Canned responses an agent can search by title, shortcut or words of the text, offered in
the conversation's queue (a response for no queue in particular is offered everywhere)."""

from typing import Any

from django.db.models import Q

from contactcenter.console.models import CannedResponse

LIMIT = 20


def search(query: str, queue_id: int | None) -> list[dict[str, Any]]:
    found = CannedResponse.objects.filter(active=True)
    found = found.filter(Q(queues__isnull=True) | Q(queues=queue_id)).distinct()
    for word in query.split()[:5]:
        found = found.filter(
            Q(title__icontains=word) | Q(shortcut__icontains=word) | Q(text__icontains=word)
        )
    return [
        {"id": c.pk, "title": c.title, "shortcut": c.shortcut, "preview": c.text[:120]}
        for c in found.order_by("title")[:LIMIT]
    ]
