"""POST /interactions/: an agent starts a conversation with a customer on any channel."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from channels_adapters import base as channel_registry
from contactcenter import access
from contactcenter.api.serializers.interactions import (
    InteractionSerializer,
    StartOutboundSerializer,
)
from contactcenter.api.views.people import display_name
from contactcenter.commands import command
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from crm import customers
from crm.identities import normalise
from crm.models import ContactIdentity, Customer
from routing import config


@command
def start_conversation(user, data: dict) -> str:
    """One transaction: the customer (registered if new), the interaction, its first message.
    The console's rules hold: the queue is one of the agent's, and an existing customer is one
    the agent may already see; starting work is no way to see someone's history."""
    queue_id = data.get("queue_id")
    queue = config.current().queues.get(queue_id) if queue_id is not None else None
    if queue_id is not None and queue is None:
        raise DomainError(f"no queue {queue_id}")
    if not access.may_start_in(user, queue_id):
        raise PermissionDenied(f"You are not in queue {queue.name}.")
    if identity := data.get("identity"):
        customer_id = _customer_at(user, identity)
    else:
        customer_id = _live_customer(user, data["customer_id"])
    kind = channel_registry.identity_kind(data["channel"])
    if not ContactIdentity.objects.filter(customer_id=customer_id, kind=kind).exists():
        raise DomainError(f"the customer has no {kind} identity to reach on {data['channel']}")
    interaction_id = interactions.start_outbound(
        channel=data["channel"],
        channel_key=data["channel_key"],
        customer_id=customer_id,
        agent_id=user.pk,
        queue_id=queue_id,
        subject=data.get("subject", ""),
    )
    if data.get("text"):
        interactions.send_message(
            interaction_id,
            author=f"agent:{user.pk}",
            author_name=display_name(user),
            text=data["text"],
            subject=data.get("subject", ""),
        )
    return interaction_id


def _customer_at(user, identity: dict) -> str:
    """The customer an address belongs to, registered if new. An address of a customer the
    agent may not see is refused: a supervisor can start that conversation."""
    found = normalise(identity["kind"], identity["address"], display_name=identity.get("name", ""))
    known = customers.find(found)
    if known is not None and not access.can_see_customer(user, known):
        raise PermissionDenied(
            "That address belongs to a customer outside your queues; a supervisor can start "
            "this conversation."
        )
    return customers.identify(found, name=identity.get("name", ""))[0]


def _live_customer(user, customer_id: str) -> str:
    """A customer the agent may not see answers like one that does not exist."""
    customer = Customer.objects.filter(pk=customer_id).first()
    live = customer and (customer.merged_into_id or customer.id)
    if not live or not access.can_see_customer(user, live):
        raise DomainError(f"no customer {customer_id}")
    return live


class StartOutbound:
    """Mixed into InteractionViewSet."""

    @extend_schema(request=StartOutboundSerializer, responses={201: InteractionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = StartOutboundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.pk not in config.current().agents:
            raise PermissionDenied("Only a person with an agent profile starts conversations.")
        with acting_as(f"agent:{request.user.pk}"):
            interaction_id = start_conversation(request.user, serializer.validated_data)
        row = Interaction.objects.get(pk=interaction_id)
        return Response(InteractionSerializer(row).data, status=status.HTTP_201_CREATED)
