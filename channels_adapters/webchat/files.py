"""Files in the widget (docs/inbox.md, "Attachments"). The visitor's signed token is the
credential, sent as `Authorization: Bearer <token>` (never in a URL, where logs and referrers
would keep it):

- `POST /widget/attachments/` (multipart: `file`, `client_message_id`, `text`): the visitor
  sends a file, as a message of their conversation (one is started as for any first message).
  The file is checked (size, type sniffed from its content) before it is kept, and taken back
  if the message is not appended (refused, or a resend of one already sent).
- `GET /widget/attachments/<storage key>` (`?thumbnail=1`): a file of a message in one of the
  visitor's own conversations; anyone else's is a 404, as if it did not exist.
"""

import time
from collections import defaultdict, deque

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from channels_adapters.webchat import tokens
from channels_adapters.webchat import visitor as visitors
from contactcenter.attachments import files
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.ingest import Attachment
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.sliding_windows import allow as _allow

_uploads: dict[str, deque] = defaultdict(deque)  # this process's view, per visitor


def _visitor(request: HttpRequest) -> tokens.Visitor:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise tokens.BadToken("send the visitor token as Authorization: Bearer <token>")
    return tokens.verify(token.strip())


def _unauthorized(error: tokens.BadToken) -> JsonResponse:
    response = JsonResponse({"error": str(error)}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="widget"'
    return response


@csrf_exempt  # no cookie is used: the token in the header is the credential
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    try:
        visitor = _visitor(request)
    except tokens.BadToken as error:
        return _unauthorized(error)
    chat = visitors.channel(visitor.channel_key)
    if chat is None:
        return JsonResponse({"error": "the web chat channel no longer exists"}, status=404)
    client_message_id = request.POST.get("client_message_id", "")
    if not client_message_id or len(client_message_id) > 64:
        return JsonResponse({"error": "a message needs its client message id"}, status=400)
    text = request.POST.get("text", "")
    if len(text) > visitors.MAX_TEXT:
        return JsonResponse({"error": f"at most {visitors.MAX_TEXT} characters"}, status=400)
    wait = _allow(_uploads[visitor.visitor_id], chat.messages_per_minute, time.monotonic())
    if wait:
        response = JsonResponse({"error": "too many messages; slow down a little"}, status=429)
        response["Retry-After"] = str(int(wait) + 1)
        return response
    try:
        accepted = files.accept(request.FILES.get("file"))
    except files.Refused as refused:
        return refused.response()
    kept = files.keep(accepted)
    attachment = Attachment(
        name=kept["name"],
        content_type=kept["content_type"],
        size=kept["size"],
        storage_key=kept["storage_key"],
        url=kept["url"],  # the console's download; the widget's is made per visitor
    )
    try:
        result = visitors.send_message(
            visitor, text, client_message_id, visitors.Profile(), attachments=(attachment,)
        )
    except DomainError as refused:
        files.discard(kept)
        return JsonResponse({"error": str(refused)}, status=409)
    except BaseException:
        files.discard(kept)
        raise
    appended = not (result.duplicate or result.dropped)
    if not appended:
        files.discard(kept)  # that message was sent already, with its own copy
    return JsonResponse(
        {
            "client_message_id": client_message_id,
            "message_id": result.message_id,
            "interaction_id": result.interaction_id,
            "duplicate": result.duplicate,
            "attachments": visitors.files_for_visitor([kept]) if appended else [],
        },
        status=200 if result.duplicate else 201,
    )


@require_GET
def download(request: HttpRequest, storage_key: str) -> HttpResponse:
    try:
        visitor = _visitor(request)
    except tokens.BadToken as error:
        return _unauthorized(error)
    found = _own_file(visitor, storage_key)
    if found is None:
        return JsonResponse({"error": "no such file in your conversation"}, status=404)
    small = request.GET.get("thumbnail") == "1"
    return files.serve(
        storage_key, str(found.get("name") or "attachment"), str(found["content_type"]), small=small
    )


def _own_file(visitor: tokens.Visitor, storage_key: str) -> dict | None:
    """The attachment, if a message the visitor may see (theirs, or to them) carries it."""
    mine = Interaction.objects.filter(
        channel="webchat", channel_key=visitor.channel_key, threading_key=visitor.visitor_id
    ).values_list("id", flat=True)
    entries = (
        TranscriptEntry.objects.filter(
            interaction_id__in=list(mine), kind__in=["inbound", "outbound"]
        )
        .exclude(attachments=[])
        .values_list("attachments", flat=True)
    )
    for attachments in entries:
        for a in attachments or []:
            if a.get("storage_key") == storage_key:
                return a
    return None
