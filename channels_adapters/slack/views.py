"""Slack's two requests to us: the Events API and interactivity (button clicks). Both are
signed with the app's signing secret over the raw body; nothing is parsed, read or stored
before that checks out."""

import logging
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels_adapters.slack import verify
from channels_adapters.slack.buttons import handle_click
from channels_adapters.slack.receive import handle_event
from contactcenter import strict_json
from contactcenter.interactions.domain import DomainError
from crm.identities import InvalidIdentity

log = logging.getLogger(__name__)


def refuse(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": reason}, status=status)


UNSIGNED = "signature missing, invalid or older than five minutes"


@csrf_exempt
@require_POST
def events(request: HttpRequest) -> HttpResponse:
    signed = verify.signers(request.body, request.headers)
    if not signed:
        return refuse(401, UNSIGNED)
    try:
        body = strict_json.loads_object(request.body)
    except strict_json.MalformedJson as error:
        return refuse(400, f"the body is not a JSON object: {error}")
    channel = verify.answering(signed, str(body.get("team_id") or ""))
    if channel is None:
        return refuse(401, UNSIGNED)
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
    signed = verify.signers(request.body, request.headers)
    if not signed:
        return refuse(401, UNSIGNED)
    try:
        raw = parse_qs(request.body.decode(), strict_parsing=False).get("payload", [""])[0]
        payload = strict_json.loads_object(raw)
    except (ValueError, UnicodeDecodeError) as error:
        return refuse(400, f"expected a form field `payload` holding a JSON object: {error}")
    team = payload.get("team") or {}
    channel = verify.answering(signed, str(team.get("id") if isinstance(team, dict) else ""))
    if channel is None:
        return refuse(401, UNSIGNED)
    try:
        outcome = handle_click(channel, payload)
    except (DomainError, InvalidIdentity) as error:
        return refuse(422, str(error))
    log.info("slack interaction %s: %s", payload.get("type"), outcome)
    return HttpResponse(status=200)
