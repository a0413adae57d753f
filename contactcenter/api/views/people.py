"""Agents and their presence; customers and their identities."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contactcenter import access
from contactcenter.actions import Actor
from contactcenter.actions import presence as presence_actions
from contactcenter.api.pagination import Cursor
from contactcenter.api.serializers.agents import AgentSerializer, PresenceSerializer
from contactcenter.api.serializers.customers import CustomerSerializer
from contactcenter.roles import is_supervisor
from crm.identities import normalise
from crm.models import ContactIdentity, Customer
from routing.models import AgentProfile, AgentState


def display_name(user) -> str:
    profile = AgentProfile.objects.filter(user_id=user.pk).first()
    return profile.name if profile else (user.get_full_name() or user.username)


def agent_data(profile: AgentProfile, state: AgentState | None) -> dict:
    state = state or AgentState(agent_id=profile.user_id)
    return {
        "id": profile.user_id,
        "username": profile.user.username,
        "name": profile.name,
        "queue_ids": sorted(q.pk for q in profile.queues.all()),
        "presence": state.presence,
        "away_reason": state.away_reason,
        "presence_since": state.presence_since,
        "activity": state.activity,
        "capacity": profile.capacity(),
        "work": [{"interaction_id": k, **v} for k, v in sorted(state.work.items())],
    }


@extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
class AgentViewSet(viewsets.ViewSet):
    """Agents with presence and current work (projections): every agent for a supervisor,
    yourself for an agent, since the work names the interactions each one holds."""

    lookup_value_regex = r"\d{1,18}"

    def _profiles(self):
        profiles = AgentProfile.objects.select_related("user").prefetch_related("queues")
        if not is_supervisor(self.request.user):
            profiles = profiles.filter(user_id=self.request.user.pk)
        return profiles

    @extend_schema(responses=AgentSerializer(many=True))
    def list(self, request):
        profiles = list(self._profiles().order_by("user__username"))
        states = AgentState.objects.in_bulk([p.user_id for p in profiles])
        return Response([agent_data(p, states.get(p.user_id)) for p in profiles])

    @extend_schema(responses=AgentSerializer)
    def retrieve(self, request, pk=None):
        profile = self._profiles().get(user_id=int(pk))
        return Response(agent_data(profile, AgentState.objects.filter(pk=profile.user_id).first()))

    @extend_schema(request=PresenceSerializer, responses=AgentSerializer)
    @action(detail=True, methods=["post"])
    def presence(self, request, pk=None):
        actor = Actor.of(request.user, "api")
        presence_actions.may_set(actor, int(pk))
        profile = self._profiles().get(user_id=int(pk))
        data = PresenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        presence_actions.set_presence(
            actor,
            profile.user_id,
            data.validated_data["presence"],
            data.validated_data.get("reason", ""),
        )
        return self.retrieve(request, pk)


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Customers of the interactions you can see (supervisors: all), with their identities."""

    serializer_class = CustomerSerializer
    pagination_class = Cursor

    def get_queryset(self):
        rows = Customer.objects.filter(merged_into_id="")
        if not is_supervisor(self.request.user):
            visible = access.visible_interactions(self.request.user).values("customer_id")
            rows = rows.filter(id__in=visible)
        identity = self.request.query_params.get("identity")
        if identity and self.action == "list":
            kind, _, address = identity.partition(":")
            key = normalise(kind, address).key
            rows = rows.filter(id__in=ContactIdentity.objects.filter(key=key).values("customer_id"))
        return rows

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "identities": self._identities}

    _identities = None

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._identities = {}
            for identity in ContactIdentity.objects.filter(customer_id__in=[c.id for c in page]):
                self._identities.setdefault(identity.customer_id, []).append(identity)
        return page

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "identity", str, description="kind:address, e.g. email:carla@example.org"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
