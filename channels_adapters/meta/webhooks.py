"""The two halves of a Meta webhook endpoint: the GET subscription handshake and the signed
POST. Both answer 4xx for anything wrong (403 for a bad token or signature, 400 for a body that
is not a JSON object), never 500."""

import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden

from channels_adapters.meta.signature import HEADER, signed_with


class Refused(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def handshake(request: HttpRequest, verify_tokens: Iterable[str]) -> HttpResponse:
    """Meta's subscription check: echo hub.challenge when hub.verify_token is one of ours."""
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if mode != "subscribe" or not challenge:
        return HttpResponseBadRequest("expected hub.mode=subscribe and a hub.challenge")
    if not token or token not in {t for t in verify_tokens if t}:
        return HttpResponseForbidden("unknown hub.verify_token")
    return HttpResponse(challenge, content_type="text/plain")


def signed_payload(request: HttpRequest, secrets: Iterable[str]) -> tuple[dict[str, Any], str]:
    """The JSON object Meta posted and the app secret that signed it; raises Refused."""
    body = request.body
    secret = signed_with(secrets, body, request.headers.get(HEADER, ""))
    if secret is None:
        missing = not request.headers.get(HEADER)
        raise Refused(HttpResponseForbidden(f"{'missing' if missing else 'bad'} {HEADER}"))
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(HttpResponseBadRequest("the body is not JSON")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("entry", []), list):
        raise Refused(HttpResponseBadRequest("expected an object with an entry list"))
    return payload, secret


def objects(value: Any) -> list[dict[str, Any]]:
    """The dicts of a list Meta sent (anything else in it is skipped, not a 500)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def dig(value: Any, *keys: str) -> Any:
    """value[k1][k2]…, or None where a level is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def text(value: Any, *keys: str) -> str:
    found = dig(value, *keys)
    return "" if found is None or isinstance(found, dict | list) else str(found)
