"""Mail no person wrote to us: bounces, auto-replies, mailing lists and loops. Pure functions.

Such mail is recorded on the interaction it belongs to, but never starts one and never gets an
auto-acknowledgement; answering robots is how reply loops begin. The signals are those the
mature mail parsers use (Zammad's filters, sisimai, flanker), one module per kind:
`bounces` (RFC 3464 and what mail servers write instead), `auto_replies` (RFC 3834 and the
vendors' own headers and subjects), `mailing_lists` (RFC 2369/2919 and older list managers);
loops and no-reply senders are here. Every signal found is named in the verdict's reason.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from channels_adapters.email import auto_replies, bounces, mailing_lists
from channels_adapters.email.addresses import split_plus
from channels_adapters.email.parsing import ParsedMail

NO_REPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply)([-+_.].*)?$")


@dataclass(frozen=True)
class Verdict:
    signals: tuple[str, ...] = ()  # each "Name: what it said"; none: a person wrote it
    bounce: bool = False  # a report on a delivery, to be matched to the message we sent

    @property
    def automated(self) -> bool:
        return bool(self.signals)

    @property
    def reason(self) -> str:
        """Why it counts as automated, for the record: the signals, "bounce: " first if it is."""
        return ("bounce: " if self.bounce else "") + " | ".join(self.signals)


def classify(
    mail: ParsedMail, *, envelope_from: str | None, our_addresses: Iterable[str]
) -> Verdict:
    """Whether `mail` is automated, and whether it is a bounce. `envelope_from` is the SMTP
    MAIL FROM ('' for the null sender bounces use; None when the transport did not say)."""
    null_sender = bounces.null_sender(mail, envelope_from)
    failures = bounces.failures(mail, from_null_sender=bool(null_sender))
    others = [
        *auto_replies.signals(mail),
        *mailing_lists.signals(mail),
        *bounces.reports(mail),
        *_loops(mail, set(our_addresses)),
    ]
    # Auto-replies come from the null sender too (RFC 3834 §3.3): only when nothing else
    # explains it is mail from the null sender a bounce.
    bounce = bool(failures) or (bool(null_sender) and not others)
    signals = tuple(dict.fromkeys([*failures, *null_sender, *others]))
    return Verdict(signals, bounce=bounce)


def _loops(mail: ParsedMail, ours: set[str]) -> list[str]:
    """Mail that went round: marked by a loop guard (procmail, list managers, Zammad), sent
    from our own inbox, or from an address that takes no answers."""
    found = []
    for value in mail.header_all("x-loop"):
        if value.strip():
            own = any(address in value.lower() for address in ours)
            found.append(f"X-Loop: {value[:80]}" + (" (our inbox)" if own else ""))
    if mail.from_address and split_plus(mail.from_address)[0] in ours:
        found.append(f"From: {mail.from_address} (our inbox)")
    if NO_REPLY.match(mail.from_address.rpartition("@")[0]):
        found.append(f"From: {mail.from_address} (no-reply)")
    return found
