"""Commands on one interaction, as POSTs: each calls the platform's own command, so the API
can do exactly what the console can, under the same rules."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from contactcenter.api.permissions import handles, may_act_on
from contactcenter.api.serializers.interactions import (
    CloseSerializer,
    InteractionSerializer,
    MessageAcceptedSerializer,
    OfferAnswerSerializer,
    SendMessageSerializer,
    TransferSerializer,
    WrapUpSerializer,
)
from contactcenter.api.views.people import display_name
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import InvalidTransition, State
from contactcenter.interactions.models import Interaction
from contactcenter.roles import is_supervisor
from routing import offers


def actor(user) -> str:
    return f"{'supervisor' if is_supervisor(user) else 'agent'}:{user.pk}"


class InteractionCommands:
    """Mixed into InteractionViewSet: POST /interactions/{id}/<command>/."""

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _mine(self, row: Interaction) -> Interaction:
        if not may_act_on(self.request.user, row):
            raise PermissionDenied("Only the agent handling the interaction, or a supervisor.")
        return row

    def _answer(self, interaction_id: str) -> Response:
        return Response(InteractionSerializer(Interaction.objects.get(pk=interaction_id)).data)

    @extend_schema(request=SendMessageSerializer, responses={201: MessageAcceptedSerializer})
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        row = self._mine(self.get_object())
        data = self._valid(SendMessageSerializer)
        user = request.user
        # Only a supervisor writes as one; anyone else allowed here is an agent.
        author = f"agent:{user.pk}" if handles(user, row) else actor(user)
        with acting_as(author):
            message_id = interactions.send_message(
                row.id,
                author=author,
                author_name=display_name(user),
                text=data["text"],
                subject=data.get("subject", ""),
                client_message_id=data.get("client_message_id"),
            )
        return Response({"message_id": message_id}, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        row = self._mine(self.get_object())
        data = self._valid(TransferSerializer)
        with acting_as(actor(request.user)):
            offers.transfer(
                row.id,
                by_agent_id=row.agent_id if row.agent_id is not None else request.user.pk,
                kind=data["kind"],
                to_queue_id=data.get("to_queue"),
                to_agent_id=data.get("to_agent"),
                note=data.get("note", ""),
            )
        return self._answer(row.id)

    @extend_schema(request=None, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        row = self._mine(self.get_object())
        with acting_as(actor(request.user)):
            offers.end_conversation(row.id, row.agent_id or request.user.pk)
        return self._answer(row.id)

    @extend_schema(request=WrapUpSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"], url_path="wrap-up")
    def wrap_up(self, request, pk=None):
        row = self._mine(self.get_object())
        data = self._valid(WrapUpSerializer)
        if row.state != State.WRAP_UP:
            raise InvalidTransition("wrap up", State(row.state))
        follow_up = data.get("follow_up_on")
        with acting_as(actor(request.user)):
            offers.wrap_up(
                row.id,
                row.agent_id or request.user.pk,
                disposition=data["disposition"],
                notes=data.get("notes", ""),
                follow_up_on=follow_up.isoformat() if follow_up else "",
            )
        return self._answer(row.id)

    @extend_schema(request=CloseSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        row = self._mine(self.get_object())
        data = self._valid(CloseSerializer)
        with acting_as(actor(request.user)):
            interactions.close(row.id, data["reason"])
        return self._answer(row.id)

    def _offer(self, row: Interaction, data: dict) -> str:
        if row.state != State.OFFERED:
            raise InvalidTransition("answer an offer", State(row.state), "nothing is offered")
        if row.offer_agent_id != self.request.user.pk:
            raise PermissionDenied("The interaction is not offered to you.")
        if data.get("offer_id") and data["offer_id"] != row.offer_id:
            raise InvalidTransition(
                "answer the offer", State(row.state), f"offer {data['offer_id']} is over"
            )
        return row.offer_id

    @extend_schema(request=OfferAnswerSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        row = self.get_object()
        offer_id = self._offer(row, self._valid(OfferAnswerSerializer))
        with acting_as(f"agent:{request.user.pk}"):
            offers.accept_offer(row.id, offer_id, request.user.pk)
        return self._answer(row.id)

    @extend_schema(request=OfferAnswerSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        row = self.get_object()
        data = self._valid(OfferAnswerSerializer)
        offer_id = self._offer(row, data)
        with acting_as(f"agent:{request.user.pk}"):
            offers.reject_offer(row.id, offer_id, request.user.pk, data.get("reason", ""))
        return self._answer(row.id)
