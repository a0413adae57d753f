"""Labels and custom attributes through the API (docs/api.md): what administrators defined,
and what is set on a conversation or a customer one may see. A change calls the same action
as the console (`contactcenter.actions.labels`), as an `Actor` that came through the API, so
both shells meet the same rules and the events name who changed what."""

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contactcenter.actions import Actor
from contactcenter.actions import labels as label_actions
from contactcenter.api.serializers.labels import (
    DefinitionsSerializer,
    LabelChangeSerializer,
    LabelsChangedSerializer,
    LabelsSerializer,
)
from contactcenter.labels import current, definitions
from contactcenter.labels.models import Subject

Change = Callable[..., int]


class LabelDefinitions(APIView):
    """The labels and custom attributes administrators defined (the active ones)."""

    @extend_schema(responses=DefinitionsSerializer)
    def get(self, request: Request) -> Response:
        return Response(definitions.as_json())


def _set_now(subject: str, subject_id: str) -> dict:
    return {
        "labels": current.labels(subject, subject_id),
        "attributes": current.attributes(subject, subject_id),
    }


def labelled(request: Request, subject: str, subject_id: str, change: Change) -> Response:
    """GET: what is set. POST: change it through the action, then what is set now."""
    if request.method != "POST":
        return Response(_set_now(subject, subject_id))
    body = LabelChangeSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    changed = change(Actor.of(request.user, "api"), subject_id, **body.validated_data)
    return Response({"changed": changed, **_set_now(subject, subject_id)})


def labels_action(subject: str, change: Change):
    """The `labels/` action of a viewset whose `get_object` answers 404 for what one may not
    see, before the body is read."""

    @extend_schema(methods=["GET"], responses=LabelsSerializer)
    @extend_schema(
        methods=["POST"], request=LabelChangeSerializer, responses=LabelsChangedSerializer
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def labels(self, request, pk=None):
        return labelled(request, subject, self.get_object().pk, change)

    labels.__doc__ = f"The {subject}'s labels and custom attributes: read them, or change them."
    return labels


class InteractionLabels:
    """Mixed into the interactions' viewset: /interactions/{id}/labels/."""

    labels = labels_action(Subject.CONVERSATION, label_actions.change_conversation)


class CustomerLabels:
    """Mixed into the customers' viewset: /customers/{id}/labels/."""

    labels = labels_action(Subject.CUSTOMER, label_actions.change_customer)
