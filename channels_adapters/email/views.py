"""Attachment downloads for the console: `GET /attachments/<storage key>` (`?thumbnail=1`:
a picture's thumbnail), for a file of any channel's message (AttachmentRef indexes them all).

Only for someone who may open an interaction the file belongs to (contactcenter.access), and
served so a browser cannot run it (contactcenter.attachments.files.serve): images inline,
everything else as a download of type application/octet-stream, with nosniff and a
sandboxing CSP.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from channels_adapters.email.models import AttachmentRef
from contactcenter.access import can_open
from contactcenter.attachments import files


@require_GET
def attachment(request: HttpRequest, storage_key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refs = list(AttachmentRef.objects.filter(storage_key=storage_key))
    if not refs:
        return JsonResponse({"error": "no such attachment"}, status=404)
    ref = next((r for r in refs if can_open(request.user, r.interaction_id)), None)
    if ref is None:
        return JsonResponse({"error": "you may not open this conversation"}, status=403)
    small = request.GET.get("thumbnail") == "1"
    return files.serve(storage_key, ref.name, ref.content_type, small=small)
