"""Commands on one interaction, as POSTs: each calls the same action as the console
(`contactcenter.actions.interactions`), as an `Actor` that came through the API, so both
shells meet the same rules."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.api.serializers.interactions import (
    CloseSerializer,
    InteractionSerializer,
    MessageAcceptedSerializer,
    OfferAnswerSerializer,
    SendMessageSerializer,
    TransferSerializer,
    WrapUpSerializer,
)
from contactcenter.interactions.models import Interaction


class InteractionCommands:
    """Mixed into InteractionViewSet: POST /interactions/{id}/<command>/. `get_object` answers
    404 for an interaction one may not see, before the body is read."""

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _actor(self) -> Actor:
        return Actor.of(self.request.user, "api")

    def _answer(self, interaction_id: str) -> Response:
        return Response(InteractionSerializer(Interaction.objects.get(pk=interaction_id)).data)

    @extend_schema(request=SendMessageSerializer, responses={201: MessageAcceptedSerializer})
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        row = self.get_object()
        data = self._valid(SendMessageSerializer)
        message_id = actions.send(
            self._actor(),
            row.id,
            data["text"],
            subject=data.get("subject", ""),
            client_message_id=data.get("client_message_id") or "",
        )
        return Response({"message_id": message_id}, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        row = self.get_object()
        data = self._valid(TransferSerializer)
        actions.transfer(
            self._actor(),
            row.id,
            data["kind"],
            to_queue_id=data.get("to_queue"),
            to_agent_id=data.get("to_agent"),
            note=data.get("note", ""),
        )
        return self._answer(row.id)

    @extend_schema(request=None, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        row = self.get_object()
        actions.end(self._actor(), row.id)
        return self._answer(row.id)

    @extend_schema(request=WrapUpSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"], url_path="wrap-up")
    def wrap_up(self, request, pk=None):
        row = self.get_object()
        data = self._valid(WrapUpSerializer)
        actions.wrap_up(
            self._actor(),
            row.id,
            data["disposition"],
            notes=data.get("notes", ""),
            follow_up_on=data.get("follow_up_on") or "",
            call_back_at=data.get("call_back_at") or "",
        )
        return self._answer(row.id)

    @extend_schema(request=CloseSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        row = self.get_object()
        data = self._valid(CloseSerializer)
        actions.close(self._actor(), row.id, data["reason"])
        return self._answer(row.id)

    @extend_schema(request=OfferAnswerSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        row = self.get_object()
        data = self._valid(OfferAnswerSerializer)
        actions.accept(self._actor(), row.id, data.get("offer_id") or "")
        return self._answer(row.id)

    @extend_schema(request=OfferAnswerSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        row = self.get_object()
        data = self._valid(OfferAnswerSerializer)
        actions.reject(self._actor(), row.id, data.get("offer_id") or "", data.get("reason", ""))
        return self._answer(row.id)
