"""Attachments and raw messages, kept through Django's storage API.

Files are content-addressed (`email/<sha256>/<name>`): storing the same bytes twice, as a
redelivered message does, writes nothing new, and nothing needs to be cleaned up when a
transaction that referred to them is retried.
"""

import hashlib
import re
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from channels_adapters.email.parts import MailAttachment
from contactcenter.interactions.ingest import Attachment


def _safe(name: str) -> str:
    name = re.sub(r"[^\w.\- ()]+", "_", name, flags=re.UNICODE).strip(" ._") or "attachment"
    return name[:150]


def put(content: bytes, name: str) -> str:
    """Store `content` under a key derived from it; returns the storage key."""
    digest = hashlib.sha256(content).hexdigest()
    key = f"email/{digest[:2]}/{digest}/{_safe(name)}"
    if not default_storage.exists(key):
        saved = default_storage.save(key, ContentFile(content))
        if saved != key:  # a concurrent writer got there first with the same bytes
            default_storage.delete(saved)
    return key


def url(storage_key: str) -> str:
    """Where the console downloads a stored file (views.attachment checks who asks)."""
    return "/attachments/" + quote(storage_key)


def keep_attachment(attachment: MailAttachment) -> Attachment:
    key = put(attachment.content, attachment.name)
    return Attachment(
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        storage_key=key,
        inline=attachment.inline,
        content_id=attachment.content_id,
        url=url(key),
    )


def keep_raw(raw: bytes) -> str:
    return put(raw, "message.eml")


def open_file(key: str):
    return default_storage.open(key, "rb")
