"""Interactions as read models: list (filtered), one, its transcript, its event stream."""

import dataclasses

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contactcenter import access
from contactcenter.api.pagination import Cursor
from contactcenter.api.serializers.events import EventSerializer
from contactcenter.api.serializers.interactions import (
    InteractionQuerySerializer,
    InteractionSerializer,
    TranscriptEntrySerializer,
)
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import TranscriptEntry

FILTERS = {
    "state": "state",
    "queue": "queue_id",
    "channel": "channel",
    "customer": "customer_id",
    "agent": "agent_id",
    "direction": "direction",
    "created_after": "created_at__gte",
    "created_before": "created_at__lt",
}


class InteractionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InteractionSerializer
    pagination_class = Cursor

    def get_queryset(self):
        rows = access.visible_interactions(self.request.user)
        if self.action != "list":
            return rows
        query = InteractionQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return rows.filter(**{FILTERS[k]: v for k, v in query.validated_data.items()})

    @extend_schema(parameters=[InteractionQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        responses=TranscriptEntrySerializer(many=True),
        parameters=[
            OpenApiParameter(
                "include",
                str,
                description="`activity`: also the activity lines (joined, transferred with "
                "its note, supervisor joined, customer left or came back, ended, closed)",
            )
        ],
    )
    @action(detail=True, pagination_class=None)
    def transcript(self, request, pk=None):
        interaction = self.get_object()
        entries = TranscriptEntry.objects.filter(interaction_id=interaction.id).order_by("position")
        if request.query_params.get("include") != "activity":
            entries = entries.exclude(kind=TranscriptEntry.Kind.ACTIVITY)
        if not access.reads_whispers(request.user, interaction.agent_id):
            entries = entries.exclude(kind=TranscriptEntry.Kind.NOTE, audience="agent")
        return Response(TranscriptEntrySerializer(entries, many=True).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def events(self, request, pk=None):
        interaction = self.get_object()
        events = store.read_stream(stream_id(interaction.id))
        if not access.reads_whispers(request.user, interaction.agent_id):
            # A whisper is there (its version counts), but what it says is not theirs.
            events = [
                dataclasses.replace(e, data=access.whisper_unread(e.data))
                if access.is_whisper(e.type, e.data)
                else e
                for e in events
            ]
        return Response(EventSerializer(events, many=True).data)
