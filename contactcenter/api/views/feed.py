"""GET /api/v1/events/: the log in its gap-free order, for integrators who follow it."""

import time

from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from contactcenter.api import feed_wakeups
from contactcenter.api.permissions import CanReadEventFeed
from contactcenter.api.serializers.events import FeedPageSerializer, FeedQuerySerializer
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent

RECHECK_SECONDS = 1.0  # for commits no notification tells us of (feed_wakeups.py)


def event_data(event: RecordedEvent) -> dict:
    return {
        "position": event.position,
        "stream_id": event.stream_id,
        "version": event.version,
        "type": event.type,
        "data": event.data,
        "metadata": event.metadata,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
    }


class EventFeedView(APIView):
    permission_classes = [CanReadEventFeed]

    @extend_schema(parameters=[FeedQuerySerializer], responses=FeedPageSerializer)
    def get(self, request):
        query = FeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit, wait = (query.validated_data[k] for k in ("after", "limit", "wait"))
        types, streams = query.split("type"), query.split("stream")
        deadline = time.monotonic() + wait
        while True:
            seen = feed_wakeups.generation()
            events = store.read_all(after, limit + 1, types=types, stream_ids=streams)
            left = deadline - time.monotonic()
            if events or left <= 0:
                break
            if not connection.in_atomic_block:
                connection.close()  # back to the pool while we wait
            feed_wakeups.wait(seen, min(left, RECHECK_SECONDS))
        page = events[:limit]
        return Response(
            {
                "events": [event_data(e) for e in page],
                "next_after": page[-1].position if page else after,
                "has_more": len(events) > limit,
            }
        )
