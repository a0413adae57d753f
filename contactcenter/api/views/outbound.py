"""POST /interactions/: an agent starts a conversation with a customer on any channel."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from contactcenter.actions import Actor, outbound
from contactcenter.api.serializers.interactions import (
    InteractionSerializer,
    StartOutboundSerializer,
)
from contactcenter.interactions.models import Interaction


class StartOutbound:
    """Mixed into InteractionViewSet."""

    @extend_schema(request=StartOutboundSerializer, responses={201: InteractionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = StartOutboundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interaction_id = outbound.start(Actor.of(request.user, "api"), serializer.validated_data)
        row = Interaction.objects.get(pk=interaction_id)
        return Response(InteractionSerializer(row).data, status=status.HTTP_201_CREATED)
