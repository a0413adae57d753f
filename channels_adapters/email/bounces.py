"""Bounces: what says a mail system, not a person, is reporting on a delivery. Pure functions.

Three kinds of evidence, as sisimai, flanker and Zammad read them:

- *failure*: an RFC 3464 delivery status notification (with or without a From, on its own,
  or wrapped the way Exchange wraps it), Exchange's NDR marker, Exim's X-Failed-Recipients,
  a MAILER-DAEMON or postmaster sender, and the opening lines mail servers that send no DSN
  write (qmail, Exim, Gmail, Postfix, Sendmail, WebShield);
- *null sender*: the empty envelope sender RFC 5321 reserves for such reports, as the SMTP
  transaction, Return-Path or X-Envelope-From says, or a MAILER-DAEMON envelope. Auto-replies
  are sent from it too (RFC 3834 asks them to), so alone it proves no failure;
- *report*: other machine reports (spam feedback, read receipts): automated, no bounce.

Each signal is "Name: what it said", so the reason recorded on a message tells why.
"""

import re

from channels_adapters.email.addresses import bare
from channels_adapters.email.mime import clean_line
from channels_adapters.email.parsing import ParsedMail

BOUNCE_SENDERS = {"mailer-daemon", "mailer_daemon", "mail-daemon", "postmaster"}
# The first line of the notice a mail server writes when it sends no DSN (lower case).
FAILURE_OPENINGS = (
    "hi. this is the qmail-send program",  # qmail
    "this message was created automatically by mail delivery software",  # Exim
    "delivery to the following recipient failed permanently",  # Gmail
    "this is the mail system at host",  # Postfix
    "the original message was received at",  # Sendmail
    "---- failed recipients ----",  # McAfee WebShield
)
# What bounces are titled. Customers write about undelivered parcels and returned goods too,
# so a subject only counts from the null sender.
FAILURE_SUBJECT = re.compile(
    r"^\s*(undelivered mail returned to sender|mail delivery failed|returned mail\s*:"
    r"|undeliverable\s*:|undeliverable mail\b|delivery status notification \(failure\)"
    r"|delivery notification: delivery has failed|failure notice\s*$"
    r"|mail system error - returned mail|mail could not be delivered)",
    re.IGNORECASE,
)
NULL_SENDER_HEADERS = ("Return-Path", "X-Envelope-From")
DETAIL = 80  # characters of a header value quoted in a signal


def null_sender(mail: ParsedMail, envelope_from: str | None) -> list[str]:
    """Where the envelope sender was empty (`<>`) or a mailer daemon. `envelope_from` is
    SMTP's MAIL FROM ('' for the null sender; None when the transport did not say)."""
    found = []
    if envelope_from is not None and _is_null(envelope_from):
        found.append(f"MAIL FROM: {_shown(envelope_from)}")
    for name in NULL_SENDER_HEADERS:
        value = mail.header(name)
        if mail.has_header(name) and _is_null(value):
            found.append(f"{name}: {_shown(value)}")
    return found


def failures(mail: ParsedMail, *, from_null_sender: bool) -> list[str]:
    """What says a delivery failed (or, for a DSN, how it went)."""
    found = []
    report = mail.report
    if report is not None:
        found.append(" ".join(("DSN:", report.action or "report", report.status)).strip())
    if mail.has_header("x-ms-exchange-message-is-ndr"):
        found.append("X-MS-Exchange-Message-Is-Ndr")
    if failed := mail.header("x-failed-recipients"):
        found.append(f"X-Failed-Recipients: {failed[:DETAIL]}")
    local = mail.from_address.rpartition("@")[0]
    if local in BOUNCE_SENDERS:
        found.append(f"From: {mail.from_address}")
    elif not mail.from_address and mail.from_name.lower() in BOUNCE_SENDERS:
        found.append(f"From: {mail.from_name}")
    opening = _first_line(mail.text)
    if opening.lower().startswith(FAILURE_OPENINGS):
        found.append(f"Body: {opening[:DETAIL]}")
    if from_null_sender and FAILURE_SUBJECT.match(mail.subject):
        found.append(f"Subject: {mail.subject[:DETAIL]}")
    return found


def reports(mail: ParsedMail) -> list[str]:
    """Machine reports that are no delivery report (RFC 5965 feedback, RFC 8098 receipts)."""
    if mail.content_type == "multipart/report" and mail.report is None:
        return ["Content-Type: multipart/report"]
    return []


def _is_null(value: str) -> bool:
    value = value.strip()
    if value.strip("<> ") == "":
        return True
    local = (bare(value) or value.strip("<> ").lower()).partition("@")[0]
    return local in BOUNCE_SENDERS


def _shown(value: str) -> str:
    value = clean_line(value)
    return "<>" if value.strip("<> ") == "" else value[:DETAIL]


def _first_line(text: str) -> str:
    for line in text.splitlines()[:20]:
        if line.strip():
            return line.strip()
    return ""
