"""Mailing lists and bulk mail: what a list manager adds to a post it relays. Pure functions.

A post to a list our inbox is subscribed to (or that someone subscribed it to) is written by
a person, but not to us: answering it mails the whole list. What says a list relayed it:
RFC 2369's List-* fields and RFC 2919's List-Id; the headers of list managers older than
them (majordomo and vger's X-Mailing-List, ezmlm's Mailing-List, Ecartis' X-List, fml's
X-ML-Name, Mailman's X-Mailman-Version and X-BeenThere); the list's own address as Sender
(owner-list@, list-owner@, list-request@, list-bounces@); Precedence: bulk, junk or list.
"""

import re

from channels_adapters.email.addresses import bare
from channels_adapters.email.parsing import ParsedMail

LIST_HEADERS = (
    "List-Id",  # RFC 2919
    "List-Post",  # RFC 2369 from here on
    "List-Help",
    "List-Subscribe",
    "List-Unsubscribe",
    "List-Owner",
    "List-Archive",
    "X-Mailing-List",  # majordomo, vger.kernel.org, SmartList
    "Mailing-List",  # ezmlm
    "X-List",  # Ecartis
    "X-ML-Name",  # fml
    "X-Mailman-Version",  # Mailman
    "X-BeenThere",  # Mailman
)
BULK_PRECEDENCE = {"bulk", "junk", "list"}
PRECEDENCE_HEADERS = ("Precedence", "X-Precedence")
# The local part of the address a list manager sends as (Sender), or sends digests and
# notices from (From, for -request).
LIST_SENDER = re.compile(r"^(owner-.+|.+-(owner|request|bounces?)(\+.*)?)$")
LIST_FROM = re.compile(r"^.+-request$")
DETAIL = 80


def signals(mail: ParsedMail) -> list[str]:
    found = [f"{name}: {mail.header(name)[:DETAIL]}" for name in LIST_HEADERS if mail.header(name)]
    for name in PRECEDENCE_HEADERS:
        if (value := mail.header(name).strip().lower()) in BULK_PRECEDENCE:
            found.append(f"{name}: {value}")
    sender = bare(mail.header("sender")).rpartition("@")[0]
    if sender and LIST_SENDER.match(sender):
        found.append(f"Sender: {mail.header('sender')[:DETAIL]}")
    if LIST_FROM.match(mail.from_address.rpartition("@")[0]):
        found.append(f"From: {mail.from_address}")
    return found
