"""Accepting, keeping and serving one uploaded file.

`accept` checks an upload against the limits and sniffs its type from its first bytes
(`filetype`; plain text is UTF-8 without control characters); `keep` writes it through
Django's storage API under a key of its own and returns the attachment as a message event
carries it; `discard` takes it back when the message could not be appended, so a refused
message leaves no file behind. `serve` answers a download (or its thumbnail) so that nothing
uploaded can run in our origin.
"""

import io
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponse, JsonResponse

from contactcenter import clock

# Types a browser shows in place; anything else is downloaded as application/octet-stream.
SHOWN_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/zip": "zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
SNIFF_BYTES = 8192
NAME_MAX_CHARS = 150
# A thumbnail is not made of a picture larger than this (a decompression bomb is small on disk).
THUMBNAIL_MAX_PIXELS = 50_000_000
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Refused(Exception):
    """An upload that is not taken, with the HTTP status that says why (413, 415, 400)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> JsonResponse:
        return JsonResponse({"error": self.reason}, status=self.status)


@dataclass(frozen=True)
class Accepted:
    name: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


def limits() -> dict[str, Any]:
    """What the composers tell the person choosing a file."""
    return {"max_bytes": settings.ATTACHMENT_MAX_BYTES, "types": list(settings.ATTACHMENT_TYPES)}


def sniff(content: bytes) -> str:
    """The type the bytes say they are ('' when they say nothing we know)."""
    kind = filetype.guess(content[:SNIFF_BYTES]) if content else None
    if kind is not None:
        return kind.mime
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return "text/plain" if text.strip() and not TEXT_CONTROLS.search(text) else ""


def safe_name(name: str, content_type: str) -> str:
    """The uploader's name, made harmless, with the extension of the type it really is."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ()]+", "_", name, flags=re.UNICODE).strip(" ._") or "attachment"
    extension = EXTENSIONS.get(content_type, "")
    _stem, dot, current = name.rpartition(".")
    if extension and not (dot and current.lower() in {extension, "jpeg"}):
        name = f"{name}.{extension}"
    return name[-NAME_MAX_CHARS:]


def accept(upload: UploadedFile | None) -> Accepted:
    """The upload if it may be kept, else Refused saying why."""
    if upload is None:
        raise Refused(400, "send the file as the multipart field `file`")
    maximum = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > maximum:
        raise Refused(413, f"the file is larger than {maximum} bytes")
    return accept_bytes(upload.read(maximum + 1), upload.name or "")


def accept_bytes(content: bytes, name: str) -> Accepted:
    """The same checks of a file's bytes, wherever they came from (an upload, a provider's
    media: contactcenter/attachments/provider_media.py)."""
    maximum = settings.ATTACHMENT_MAX_BYTES
    if len(content) > maximum:
        raise Refused(413, f"the file is larger than {maximum} bytes")
    if not content:
        raise Refused(400, "the file is empty")
    content_type = sniff(content)
    if content_type not in settings.ATTACHMENT_TYPES:
        said = content_type or "of no type we recognise"
        raise Refused(
            415,
            f"the file's content is {said}, which is not accepted here "
            f"(accepted: {', '.join(settings.ATTACHMENT_TYPES)})",
        )
    return Accepted(name=safe_name(name, content_type), content_type=content_type, content=content)


def keep(accepted: Accepted, url_prefix: str = "/attachments/") -> dict[str, Any]:
    """Store the file under a key of its own; the attachment as a message carries it."""
    today = clock.now()
    key = f"uploads/{today:%Y/%m}/{uuid.uuid4().hex}/{accepted.name}"
    saved = default_storage.save(key, ContentFile(accepted.content))
    return {
        "name": accepted.name,
        "content_type": accepted.content_type,
        "size": accepted.size,
        "storage_key": saved,
        "url": url_prefix + quote(saved),
    }


def discard(attachment: dict[str, Any]) -> None:
    """Take back a file whose message was not appended (refused, or a resend)."""
    key = attachment.get("storage_key")
    if key:
        default_storage.delete(key)


def thumbnail(storage_key: str) -> tuple[bytes, str] | None:
    """A small copy of a stored picture (JPEG, or PNG where it is transparent); None when it
    is no picture we can read. Made when asked rather than stored, so erasing or purging the
    file leaves no copy of it behind."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = settings.ATTACHMENT_THUMBNAIL_PX
    try:
        with default_storage.open(storage_key, "rb") as stored, Image.open(stored) as image:
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                return None
            image.draft("RGB", (size, size))  # JPEG decodes at a fraction of its size
            small = ImageOps.exif_transpose(image)
            small.thumbnail((size, size))
            clear = small.mode in ("RGBA", "LA", "P") and (
                small.mode != "P" or "transparency" in small.info
            )
            small = small.convert("RGBA" if clear else "RGB")
            out = io.BytesIO()
            if clear:
                small.save(out, "PNG", optimize=True)
                return out.getvalue(), "image/png"
            small.save(out, "JPEG", quality=82)
            return out.getvalue(), "image/jpeg"
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


def serve(storage_key: str, name: str, content_type: str, *, small: bool = False) -> HttpResponse:
    """A stored file as a download a browser cannot run: pictures in place, everything else as
    application/octet-stream to save, with nosniff and a sandboxing policy. `small`: the
    picture's thumbnail."""
    inline = content_type.lower() in SHOWN_INLINE
    if small:
        made = thumbnail(storage_key) if inline else None
        if made is None:
            return JsonResponse({"error": "no thumbnail of this file"}, status=404)
        response: HttpResponse = HttpResponse(made[0], content_type=made[1])
    else:
        try:
            stored = default_storage.open(storage_key, "rb")
        except (FileNotFoundError, OSError):
            return JsonResponse({"error": "the file is missing from storage"}, status=404)
        response = FileResponse(
            stored,
            as_attachment=not inline,
            filename=name,
            content_type=content_type if inline else "application/octet-stream",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
