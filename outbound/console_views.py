"""The console's click-to-contact endpoints (JSON): what each channel allows for a customer,
and starting a conversation on one."""

import functools
import json
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied

from contactcenter import access
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from outbound import preview, reach
from outbound.commands import DialRefused
from routing import config


def _refuse(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


class _BadBody(Exception):
    pass


def _object(request: HttpRequest) -> dict:
    """The request's JSON object; _BadBody says why not."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise _BadBody("the body is not JSON") from None
    if not isinstance(body, dict):
        raise _BadBody("the body must be a JSON object")
    return body


def campaign_agent(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """Campaign work is for agents (a person with an agent profile); a bad JSON body is a 400.
    Under login_required and the method check, as every console endpoint."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.user.pk not in config.current().agents:
            return _refuse(403, "only a person with an agent profile works campaigns")
        try:
            return view(request, *args, **kwargs)
        except _BadBody as error:
            return _refuse(400, str(error))

    return checked


def _visible(request: HttpRequest, customer_id: str) -> JsonResponse | None:
    if request.user.pk not in config.current().agents:
        return _refuse(403, "only a person with an agent profile contacts customers")
    if not access.can_see_customer(request.user, customer_id):
        return _refuse(404, f"no customer {customer_id}")
    return None


@login_required
@require_GET
def reachability(request: HttpRequest, customer_id: str) -> JsonResponse:
    refused = _visible(request, customer_id)
    if refused:
        return refused
    return JsonResponse(
        {"customer_id": customer_id, "channels": reach.everything(customer_id, request.user.pk)}
    )


@login_required
@require_POST
def contact(request: HttpRequest, customer_id: str) -> JsonResponse:
    refused = _visible(request, customer_id)
    if refused:
        return refused
    try:
        body = _object(request)
    except _BadBody as error:
        return _refuse(400, str(error))
    channel, text = body.get("channel"), body.get("text", "")
    if channel not in reach.CHANNELS:
        return _refuse(400, f"channel must be one of {', '.join(reach.CHANNELS)}")
    if not isinstance(text, str) or (not text.strip() and channel != "voice"):
        return _refuse(400, "write the first message")
    if len(text) > 10_000:
        return _refuse(400, "the first message is too long")
    try:
        with acting_as(f"agent:{request.user.pk}"):
            interaction_id = reach.start(request.user, customer_id, channel, text)
    except reach.Refused as refusal:
        return _refuse(409, str(refusal))
    except (DomainError, PermissionDenied) as error:
        return _refuse(409, str(error))
    return JsonResponse({"interaction_id": interaction_id}, status=201)


@login_required
@require_GET
@campaign_agent
def preview_next(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"record": preview.next_record(request.user)})


@login_required
@require_POST
@campaign_agent
def preview_dial(request: HttpRequest) -> JsonResponse:
    contact_id = _object(request).get("contact_id")
    if not isinstance(contact_id, int) or isinstance(contact_id, bool):
        return _refuse(400, "contact_id must be a number")
    try:
        with acting_as(f"agent:{request.user.pk}"):
            attempt_id = preview.dial(request.user, contact_id)
    except preview.NotYours as error:
        return _refuse(404, str(error))
    except DialRefused as refusal:
        return _refuse(409, str(refusal))
    return JsonResponse({"attempt_id": attempt_id}, status=201)


@login_required
@require_GET
@campaign_agent
def wrap_ups(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"calls": preview.to_wrap_up(request.user)})


@login_required
@require_POST
@campaign_agent
def wrap_up(request: HttpRequest, attempt_id: str) -> JsonResponse:
    body = _object(request)
    if not isinstance(body.get("disposition"), str):
        return _refuse(400, "give a disposition")
    flags = [body.get("right_party", False), body.get("converted", False)]
    if not all(isinstance(flag, bool) for flag in flags):
        return _refuse(400, "right_party and converted are true or false")
    try:
        with acting_as(f"agent:{request.user.pk}"):
            preview.wrap_up(request.user, attempt_id, body["disposition"], *flags)
    except preview.NotYours as error:
        return _refuse(404, str(error))
    except DialRefused as refusal:
        return _refuse(409, str(refusal))
    return JsonResponse({"attempt_id": attempt_id})
