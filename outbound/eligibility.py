"""Who may be dialled now: the law and the campaign's rules, as one pure function.

A contact is dialled only if every rule says yes, and `pick()` returns each refusal's reason so
a supervisor (and the pacing event) can see why a list is not moving:
- not on any do-not-call list (the internal one or an uploaded one), by E.164 number;
- inside the campaign's calling window *in the contact's own time zone* (US TSR: 8 am to
  9 pm the called party's local time; the window is the campaign's, on the days it names);
- fewer attempts than the campaign's limit;
- its retry time (set by the last attempt's disposition) has come;
- no attempt to it is live: one contact, one line, ever.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CallingWindow:
    start: time = time(9, 0)
    end: time = time(20, 0)  # exclusive
    weekdays: frozenset[int] = frozenset(range(7))  # Monday 0 … Sunday 6

    def allows(self, moment: datetime, zone: str) -> bool:
        local = moment.astimezone(ZoneInfo(zone))
        if local.weekday() not in self.weekdays:
            return False
        return self.start <= local.time().replace(tzinfo=None) < self.end


@dataclass(frozen=True)
class Contact:
    contact_id: int
    phone: str  # E.164
    zone: str  # IANA, from the number (or the address)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    live: bool = False  # an attempt is dialling, ringing or talking
    done: bool = False  # a final disposition: nothing more to do


@dataclass(frozen=True)
class Rules:
    window: CallingWindow
    max_attempts: int
    do_not_call: frozenset[str] = frozenset()


def refusal(contact: Contact, rules: Rules, now: datetime) -> str | None:
    """Why `contact` may not be dialled at `now`; None when it may."""
    if contact.done:
        return "finished"
    if contact.phone in rules.do_not_call:
        return "do-not-call"
    if contact.live:
        return "already on a live attempt"
    if contact.attempts >= rules.max_attempts:
        return "attempt limit reached"
    if contact.next_attempt_at is not None and now < contact.next_attempt_at:
        return "retry not due"
    if not rules.window.allows(now, contact.zone):
        return "outside the calling window"
    return None


def pick(
    contacts: Iterable[Contact], rules: Rules, now: datetime, limit: int
) -> tuple[list[Contact], dict[str, int]]:
    """Up to `limit` contacts to dial now (fewest attempts first, then the longest waiting),
    and how many were passed over for each reason. One number is dialled once per round even
    if two contacts share it."""
    eligible: list[Contact] = []
    refused: dict[str, int] = {}
    numbers: set[str] = set()
    for contact in contacts:
        reason = refusal(contact, rules, now)
        if reason is None and contact.phone in numbers:
            reason = "number already being dialled"
        if reason:
            refused[reason] = refused.get(reason, 0) + 1
            continue
        numbers.add(contact.phone)
        eligible.append(contact)
    eligible.sort(key=lambda c: (c.attempts, c.next_attempt_at or now, c.contact_id))
    return eligible[: max(0, limit)], refused


# After an attempt ends with an outcome, try again after the delay; None: final, no retry.
DEFAULT_RETRIES: dict[str, timedelta | None] = {
    "busy": timedelta(minutes=30),
    "no-answer": timedelta(hours=2),
    "machine": timedelta(hours=4),
    "failed": timedelta(hours=1),
    "abandoned": timedelta(hours=1),  # the person heard the message, not an agent
    "connected": None,
}


def after_attempt(
    contact: Contact,
    outcome: str,
    now: datetime,
    max_attempts: int,
    retries: dict[str, timedelta | None] = DEFAULT_RETRIES,
) -> Contact:
    """The contact once an attempt ended with `outcome`: one more attempt counted, the next
    one scheduled by the retry rule, or finished when the rule is final or the limit is hit."""
    attempts = contact.attempts + 1
    delay = retries.get(outcome, timedelta(hours=2))
    done = delay is None or attempts >= max_attempts
    return Contact(
        contact_id=contact.contact_id,
        phone=contact.phone,
        zone=contact.zone,
        attempts=attempts,
        next_attempt_at=None if done else now + delay,
        live=False,
        done=done,
    )
