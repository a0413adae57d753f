"""`POST /console/attachments/`: an agent (or a supervisor acting for one) sends a file to the
customer, with optional text, as one message. Multipart: `interaction_id`, `file`, `text`.

Who may send is checked before a byte is kept (the same rules as a reply: the actions layer);
the file is then checked (size, sniffed type) and kept, and the message appended. A message
that is refused after all takes its file back with it: nothing is left half-stored.
Downloads are `GET /attachments/<storage key>` (channels_adapters/email/views.py)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from channels_adapters.base import capabilities
from contactcenter.actions import interactions as actions
from contactcenter.actions import rules
from contactcenter.actions.actor import Actor, Forbidden, NotVisible
from contactcenter.attachments import files
from contactcenter.interactions.domain import MESSAGE_MAX_CHARS, DomainError
from contactcenter.roles import agent_required


@agent_required
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    actor = Actor.of(request.user, "console")
    interaction_id = request.POST.get("interaction_id", "")
    text = request.POST.get("text", "")
    if len(text) > MESSAGE_MAX_CHARS:
        return JsonResponse({"error": f"at most {MESSAGE_MAX_CHARS} characters"}, status=400)
    try:
        row = rules.visible(actor, interaction_id)
        rules.acting_for(actor, row)
    except NotVisible:
        return JsonResponse({"error": "no such conversation"}, status=404)
    except Forbidden as refused:
        return JsonResponse({"error": str(refused)}, status=403)
    if not capabilities(row.channel).stored_files:
        return JsonResponse(
            {"error": f"files cannot be sent from here on {row.channel} conversations"},
            status=409,
        )
    try:
        accepted = files.accept(request.FILES.get("file"))
    except files.Refused as refused:
        return refused.response()
    attachment = files.keep(accepted)
    try:
        message_id = actions.send(actor, interaction_id, text, attachments=[attachment])
    except DomainError as refused:
        files.discard(attachment)
        return JsonResponse({"error": str(refused)}, status=409)
    except BaseException:
        files.discard(attachment)
        raise
    return JsonResponse({"message_id": message_id, "attachment": attachment}, status=201)


@agent_required
@require_GET
def limits(request: HttpRequest) -> JsonResponse:
    """What the console's file picker may offer: `GET /console/attachments/limits/`."""
    return JsonResponse(files.limits())
