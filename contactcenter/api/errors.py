"""Every error is JSON with a reason: `{"code": ..., "detail": ..., "errors"?: {...}}`.
Domain refusals become 400 or 409 with the domain's own message, never a 500."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from contactcenter.actions import Forbidden, NotVisible
from contactcenter.events.store import ConcurrencyError, UnknownPosition
from contactcenter.interactions.domain import DomainError, InvalidTransition
from crm.identities import InvalidIdentity


def handle(exc: Exception, context) -> Response | None:
    # The actions layer's refusals of who is asking (docs/security.md): a 404 for what one may
    # not see, as if it did not exist, and a 403 for what one sees but may not do.
    if isinstance(exc, NotVisible):
        exc = exceptions.NotFound()
    elif isinstance(exc, Forbidden):
        exc = exceptions.PermissionDenied(str(exc))
    if isinstance(exc, InvalidTransition | ConcurrencyError):
        return _error(status.HTTP_409_CONFLICT, "conflict", str(exc))
    if isinstance(exc, DomainError | InvalidIdentity | UnknownPosition):
        return _error(status.HTTP_400_BAD_REQUEST, "refused", str(exc))
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"": response.data}
        response.data = {"code": "invalid", "detail": _first(errors), "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"code": str(code), "detail": str(detail)}
    return response


def _error(status_code: int, code: str, detail: str) -> Response:
    return Response({"code": code, "detail": detail}, status=status_code)


def _first(errors: dict) -> str:
    for field, messages in errors.items():
        message = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(message, dict):
            return _first(message)
        return f"{field}: {message}" if field and field != "non_field_errors" else str(message)
    return "invalid input"
