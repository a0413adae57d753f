"""The console's endpoints for labels, custom attributes and the customer's profile
(docs/inbox.md). Agents only; a conversation or customer one may not see is a 404, like one
that does not exist. Every write goes through the actions layer."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from contactcenter.actions import Actor, Forbidden, NotVisible
from contactcenter.actions import customers as customer_actions
from contactcenter.actions import labels as label_actions
from contactcenter.console import state
from contactcenter.inbox.http import BadRequest, body, error
from contactcenter.interactions.domain import DomainError
from contactcenter.labels import current, definitions
from contactcenter.roles import agent_required


@agent_required
@require_GET
def defined(request: HttpRequest) -> JsonResponse:
    return JsonResponse(definitions.as_json())


def _strings(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"{name} is a list of strings")
    return value


def _attributes(data: dict[str, Any]) -> dict[str, str]:
    value = data.get("attributes", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise BadRequest("attributes is an object of strings")
    return value


def _change(request: HttpRequest, action, subject: str, subject_id: str) -> JsonResponse:
    try:
        data = body(request)
        changed = action(
            Actor.of(request.user, "console"),
            subject_id,
            add=_strings(data, "add"),
            remove=_strings(data, "remove"),
            attributes=_attributes(data),
        )
    except NotVisible:
        return error(404, f"no such {subject}")
    except Forbidden as problem:
        return error(403, str(problem))
    except (BadRequest, DomainError) as problem:
        return error(400, str(problem))
    return JsonResponse(
        {
            "changed": changed,
            "labels": current.labels(subject, subject_id),
            "attributes": current.attributes(subject, subject_id),
        }
    )


@agent_required
@require_POST
def conversation(request: HttpRequest, interaction_id: str) -> JsonResponse:
    """`{"add": [label…], "remove": [label…], "attributes": {key: value}}`."""
    return _change(request, label_actions.change_conversation, "conversation", interaction_id)


@agent_required
@require_POST
def customer(request: HttpRequest, customer_id: str) -> JsonResponse:
    return _change(request, label_actions.change_customer, "customer", customer_id)


@agent_required
@require_POST
def profile(request: HttpRequest, customer_id: str) -> JsonResponse:
    """`{"name": …, "company": …, "language": …}` (any of them): the customer's card, edited."""
    try:
        data = body(request)
        if not all(isinstance(v, str) for v in data.values()):
            raise BadRequest("each field is a string")
        changed = customer_actions.edit_profile(
            Actor.of(request.user, "console"), customer_id, data
        )
    except NotVisible:
        return error(404, "no such customer")
    except (BadRequest, DomainError) as problem:
        return error(400, str(problem))
    return JsonResponse({"changed": changed, "customer": state.customer_panel(customer_id)})
