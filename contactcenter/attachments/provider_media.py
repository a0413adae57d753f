"""A customer's file that a provider hosts (a Twilio MMS picture, a Slack file), copied into
our storage as it arrives, so it shows and is kept like a widget upload or an e-mail
attachment: the same size and type checks, Django's storage API, permission-checked
downloads (`/attachments/<key>`), erased and purged with the conversation. A provider may
delete its copy at any time, and its URL needs the provider's credentials.

The provider's credentials go only to the provider's own host: a redirect elsewhere (Twilio
hands media over from a storage host) is followed without them (urllib3 drops the
Authorization header across hosts). A copy that fails — slow, refused, too large, of a type
we do not take — leaves the attachment as the provider's link, as before, and says so in the
log: the message itself is never held back by its media.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from contactcenter.attachments import files
from contactcenter.interactions.ingest import Attachment

log = logging.getLogger(__name__)

_pool = urllib3.PoolManager(num_pools=8, maxsize=4, cert_reqs="CERT_REQUIRED")


@dataclass(frozen=True)
class Source:
    """Where the media is, and the credentials for its provider's host only."""

    attachment: Attachment  # as recorded so far: the provider's URL
    auth_hosts: frozenset[str] = frozenset()  # hosts the headers below may go to
    headers: tuple[tuple[str, str], ...] = ()


def copy_all(sources: Sequence[Source], *, budget_s: float) -> tuple[Attachment, ...]:
    """Each source copied into storage while the time budget lasts (a webhook answers its
    provider in time); the ones not copied stay as they were."""
    started = time.monotonic()
    copied = []
    for source in sources:
        left = budget_s - (time.monotonic() - started)
        kept = _copy(source, left) if left > 0.2 else None
        copied.append(kept or source.attachment)
    return tuple(copied)


def discard(attachments: Sequence[Attachment]) -> None:
    """Take back copies whose message was not appended (a redelivery, a refusal)."""
    for attachment in attachments:
        if attachment.storage_key:
            files.discard({"storage_key": attachment.storage_key})


def _copy(source: Source, timeout: float) -> Attachment | None:
    url = source.attachment.url
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    headers = dict(source.headers) if parts.hostname in source.auth_hosts else {}
    maximum = settings.ATTACHMENT_MAX_BYTES
    try:
        response = _pool.request(
            "GET",
            url,
            headers=headers,
            timeout=urllib3.Timeout(connect=min(timeout, 3.0), read=timeout),
            retries=urllib3.Retry(total=3, connect=0, read=0, redirect=3, status=0),
            preload_content=False,
        )
        try:
            content = response.read(maximum + 1)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        log.warning("media %s not copied (%s): kept as the provider's link", url, error)
        return None
    if response.status != 200:
        log.warning(
            "media %s not copied (HTTP %s): kept as the provider's link", url, response.status
        )
        return None
    try:
        accepted = files.accept_bytes(content, source.attachment.name)
    except files.Refused as refused:
        log.warning("media %s not copied (%s): kept as the provider's link", url, refused.reason)
        return None
    kept = files.keep(accepted)
    return Attachment(
        name=kept["name"],
        content_type=kept["content_type"],
        size=kept["size"],
        storage_key=kept["storage_key"],
        url=kept["url"],
    )
