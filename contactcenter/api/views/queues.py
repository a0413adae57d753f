"""Queues with live figures, from the projections (never from history)."""

from django.db.models import Count, Min, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from contactcenter import clock
from contactcenter.api.serializers.common import DispositionSerializer
from contactcenter.api.serializers.queues import QueueSerializer
from contactcenter.interactions.models import Interaction
from routing import config
from routing.models import AgentProfile, AgentState, Disposition, Queue

WAITING = ["queued", "offered"]


def live_stats(queue_ids: list[int]) -> dict[int, dict]:
    now = clock.now()
    waiting = {
        row["queue_id"]: row
        for row in Interaction.objects.filter(queue_id__in=queue_ids, state__in=WAITING)
        .values("queue_id")
        .annotate(count=Count("id"), oldest=Min("first_queued_at"))
    }
    members: dict[int, set[int]] = {}
    for queue_id, user_id in AgentProfile.queues.through.objects.filter(
        queue_id__in=queue_ids
    ).values_list("queue_id", "agentprofile__user_id"):
        members.setdefault(queue_id, set()).add(user_id)
    everyone = set().union(*members.values()) if members else set()
    states = AgentState.objects.in_bulk(list(everyone))
    stats = {}
    for queue_id in queue_ids:
        row = waiting.get(queue_id, {})
        oldest = row.get("oldest")
        agents = [states[a] for a in members.get(queue_id, ()) if a in states]
        stats[queue_id] = {
            "waiting": row.get("count", 0),
            "longest_wait_seconds": round((now - oldest).total_seconds(), 3) if oldest else 0.0,
            "agents_logged_in": sum(s.presence != "offline" for s in agents),
            "agents_available": sum(s.presence == "available" and not s.work for s in agents),
            "agents_busy": sum(s.presence != "offline" and bool(s.work) for s in agents),
            "agents_away": sum(s.presence == "away" for s in agents),
        }
    return stats


def queue_data(queue: Queue, stats: dict) -> dict:
    live = config.queue(queue.pk)
    return {
        "id": queue.pk,
        "name": queue.name,
        "channels": list(queue.channels),
        "priority": queue.priority,
        "strategy": queue.strategy,
        "sl_threshold_seconds": queue.sl_threshold_seconds,
        "sl_target_percent": queue.sl_target_percent,
        "is_open": live.is_open(clock.now()) if live else True,
        "stats": stats,
    }


@extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
class QueueViewSet(viewsets.ViewSet):
    lookup_value_regex = r"\d{1,18}"

    @extend_schema(responses=QueueSerializer(many=True))
    def list(self, request):
        queues = list(Queue.objects.order_by("name"))
        stats = live_stats([q.pk for q in queues])
        return Response([queue_data(q, stats[q.pk]) for q in queues])

    @extend_schema(responses=QueueSerializer)
    def retrieve(self, request, pk=None):
        queue = Queue.objects.get(pk=int(pk))
        return Response(queue_data(queue, live_stats([queue.pk])[queue.pk]))


class DispositionViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("queue", int, description="Only this queue's dispositions")],
        responses=DispositionSerializer(many=True),
    )
    def list(self, request):
        rows = Disposition.objects.filter(active=True)
        if queue := request.query_params.get("queue"):
            rows = rows.filter(Q(queue__pk=queue) if queue.isdigit() else Q(pk__in=[]))
        return Response(DispositionSerializer(rows.order_by("label"), many=True).data)
