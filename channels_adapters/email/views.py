"""Attachment downloads for the console: `GET /attachments/<storage key>`.

Only for someone who may open an interaction the file belongs to (contactcenter.access), and
served so a browser cannot run it: images inline (e-mails show them), everything else as a
download of type application/octet-stream, with nosniff and a sandboxing CSP.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from channels_adapters.email import storage
from channels_adapters.email.models import AttachmentRef
from contactcenter.access import can_open

SHOWN_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}


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
    try:
        stored = storage.open_file(storage_key)
    except (FileNotFoundError, OSError):
        return JsonResponse({"error": "the file is missing from storage"}, status=404)
    inline = ref.content_type.lower() in SHOWN_INLINE
    response = FileResponse(
        stored,
        as_attachment=not inline,
        filename=ref.name,
        content_type=ref.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
