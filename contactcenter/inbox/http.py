"""Small helpers the inbox's JSON endpoints share: the body, and the answers."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from contactcenter.strict_json import MalformedJson, loads


class BadRequest(ValueError):
    pass


def body(request: HttpRequest) -> dict[str, Any]:
    try:
        value = loads(request.body or b"{}")
    except MalformedJson as error:
        raise BadRequest(str(error)) from None
    if not isinstance(value, dict):
        raise BadRequest("send a JSON object")
    return value


def text_field(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise BadRequest(f"{name} is a string")
    return value


def error(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)
