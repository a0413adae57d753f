"""Slack's two requests to us: the Events API and interactivity (button clicks). Both are
signed with the app's signing secret; nothing is read or stored before that checks out."""

import json
import logging
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels_adapters.slack import verify
from channels_adapters.slack.buttons import handle_click
from channels_adapters.slack.receive import handle_event
from contactcenter.interactions.domain import DomainError
from crm.identities import InvalidIdentity

log = logging.getLogger(__name__)


def refuse(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": reason}, status=status)


def _authentic(request: HttpRequest, team_id: str):
    """The configured channel that signed this request, or None."""
    return verify.signer(verify.candidates(team_id), request.body, request.headers)


@csrf_exempt
@require_POST
def events(request: HttpRequest) -> HttpResponse:
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return refuse(400, "the body is not JSON")
    if not isinstance(body, dict):
        return refuse(400, "the body is not a JSON object")
    channel = _authentic(request, str(body.get("team_id") or ""))
    if channel is None:
        return refuse(401, "signature missing, invalid or older than five minutes")
    if body.get("type") == "url_verification":
        return JsonResponse({"challenge": body.get("challenge", "")})
    if body.get("type") != "event_callback":
        return HttpResponse(status=200)  # app_rate_limited notices and the like
    if not body.get("event_id"):
        return refuse(400, "an event_callback without event_id")
    try:
        outcome = handle_event(channel, body)
    except (DomainError, InvalidIdentity) as error:
        log.warning("slack event %s refused: %s", body.get("event_id"), error)
        return refuse(422, str(error))
    log.info(
        "slack event %s (retry %s): %s",
        body["event_id"],
        request.headers.get("X-Slack-Retry-Num", "0"),
        outcome,
    )
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def interactions(request: HttpRequest) -> HttpResponse:
    try:
        raw = parse_qs(request.body.decode(), strict_parsing=False).get("payload", [""])[0]
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return refuse(400, "expected a form field `payload` holding JSON")
    if not isinstance(payload, dict):
        return refuse(400, "the payload is not a JSON object")
    team = payload.get("team") or {}
    channel = _authentic(request, str(team.get("id") if isinstance(team, dict) else ""))
    if channel is None:
        return refuse(401, "signature missing, invalid or older than five minutes")
    try:
        outcome = handle_click(channel, payload)
    except (DomainError, InvalidIdentity) as error:
        return refuse(422, str(error))
    log.info("slack interaction %s: %s", payload.get("type"), outcome)
    return HttpResponse(status=200)
