"""Sending: the outbox hands each committed e-mail MessageSent to `EmailAdapter.send`.

The Message-ID is decided from our message id before anything is sent (`<message id@domain>`),
so a retried send is the same message and a customer's reply finds its conversation however
the send went. Threading headers come from MessageRef; replies go to the reply-token address
(support+TOKEN@…) as well as carrying In-Reply-To and References. An SMTP 4xx or a connection
failure is a TemporaryFailure (the outbox retries with backoff); a 5xx refusal is permanent.
"""

import html
import logging
import smtplib

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from channels_adapters import base
from channels_adapters.email import storage, threads
from channels_adapters.email.addresses import bare, display, plus_address, reply_token
from channels_adapters.email.inboxes import Inbox, resolve
from channels_adapters.email.replies import reply_subject
from contactcenter.interactions.models import Interaction

log = logging.getLogger(__name__)


def message_id_header(message_id: str, domain: str) -> str:
    return f"<{message_id}@{domain}>"


class EmailAdapter:
    channel = "email"
    capabilities = base.Capabilities(
        realtime=False,
        html=True,
        attachments=True,
        stored_files=True,
        subject=True,
        max_length=None,
    )

    def send(self, message: base.OutboundMessage) -> base.DeliveryResult:
        inbox = resolve(message.channel_key)
        if inbox is None:
            raise base.PermanentFailure(
                f"no active email channel has the inbox {message.channel_key!r}"
            )
        email = compose(message, inbox)
        try:
            email.send(using=inbox.channel.mailer)
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused(error.recipients) from error
        except smtplib.SMTPResponseException as error:  # sender refused, data refused, …
            raise _by_code(error.smtp_code, _text(error.smtp_error)) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise base.TemporaryFailure(f"SMTP: {error or type(error).__name__}") from error
        except ValueError as error:  # an address Django cannot send to
            raise base.PermanentFailure(str(error)) from error
        return base.DeliveryResult(status="sent", external_id=email.extra_headers["Message-ID"])


def compose(message: base.OutboundMessage, inbox: Inbox) -> EmailMultiAlternatives:
    channel = inbox.channel
    sender = channel.sender_address
    domain = sender.rpartition("@")[2] or "localhost"
    thread = threads.headers_for(message.interaction_id, message.message_id, domain)
    data = message.channel_data or {}
    to = list(data.get("to") or []) or [display(message.to_name, message.to_address)]
    if not any(bare(address) for address in to):
        raise base.PermanentFailure("the customer has no e-mail address to send to")
    headers = {
        "Message-ID": message_id_header(message.message_id, domain),
        "Reply-To": plus_address(
            inbox.address, reply_token(message.interaction_id, settings.SECRET_KEY)
        ),
    }
    if thread.in_reply_to:
        headers["In-Reply-To"] = thread.in_reply_to
    if thread.references:
        headers["References"] = " ".join(thread.references)
    if message.author in ("system", "flow"):
        # RFC 3834: automatic replies say so, and ask other robots not to answer them.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMultiAlternatives(
        subject=message.subject or reply_subject(_current_subject(message.interaction_id)),
        body=base.text_menu(message.text, data) or _text_from_html(message.html),
        from_email=display(channel.from_name or message.author_name, sender),
        to=to,
        cc=[address for address in data.get("cc") or [] if bare(address)],
        headers=headers,
    )
    if message.html:
        email.attach_alternative(nh3.clean(message.html), "text/html")
    for attachment in message.attachments:
        key = attachment.get("storage_key")
        if key:
            with storage.open_file(key) as stored:
                email.attach(
                    attachment.get("name") or "attachment",
                    stored.read(),
                    attachment.get("content_type") or "application/octet-stream",
                )
    return email


def _current_subject(interaction_id: str) -> str:
    from contactcenter.interactions.models import TranscriptEntry

    last = (
        TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="inbound")
        .exclude(subject="")
        .order_by("-position")
        .values_list("subject", flat=True)
        .first()
    )
    if last:
        return last
    row = Interaction.objects.filter(pk=interaction_id).values_list("subject", flat=True)
    return row.first() or ""


def _text_from_html(markup: str) -> str:
    return html.unescape(nh3.clean(markup, tags=set())) if markup else ""


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _by_code(code: int, text: str) -> base.DeliveryError:
    reason = f"SMTP {code} {text}".strip()
    if 500 <= code < 600:
        return base.PermanentFailure(reason)
    return base.TemporaryFailure(reason)


def _refused(recipients: dict) -> base.DeliveryError:
    """Every recipient was refused: permanent only if every refusal was (5xx)."""
    reasons = [f"{rcpt}: {code} {_text(text)}" for rcpt, (code, text) in recipients.items()]
    reason = "SMTP refused " + "; ".join(reasons)
    if all(500 <= code < 600 for code, _ in recipients.values()):
        return base.PermanentFailure(reason)
    return base.TemporaryFailure(reason)
