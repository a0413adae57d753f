"""The contact's dialling record: an aggregate. Given its past events it decides whether an
attempt may start, be answered or end, and what the next attempt is. Pure: the live dialler,
the console's click-to-call and the tests all go through it."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from outbound import events as ev
from outbound.eligibility import Contact, Rules, after_attempt, refusal


class DialRefused(Exception):
    """A clear reason why this contact may not be dialled now."""


@dataclass(frozen=True)
class ContactDialling:
    contact: Contact
    live_attempt: str = ""
    answered: bool = False
    agent: str = ""  # who the live attempt was put through to
    answered_by: str = ""
    # The last ended attempt, until its agent wraps it up.
    to_wrap_up: str = ""
    wrap_up_agent: str = ""

    def apply(self, event: object, at: datetime | None = None) -> "ContactDialling":
        contact = self.contact
        if isinstance(event, ev.DialAttemptPlaced):
            return replace(
                self,
                contact=replace(contact, live=True),
                live_attempt=event.attempt_id,
                answered=False,
            )
        if isinstance(event, ev.DialAttemptAnswered):
            return replace(self, answered=True, agent=event.agent, answered_by=event.answered_by)
        if isinstance(event, ev.DialAttemptClassified):
            return replace(self, answered_by=event.answered_by)
        if isinstance(event, ev.DialAttemptEnded):
            nxt = datetime.fromisoformat(event.next_attempt_at) if event.next_attempt_at else None
            done = replace(
                contact, live=False, attempts=event.attempts, next_attempt_at=nxt, done=event.done
            )
            connected = event.outcome == "connected"
            return ContactDialling(
                done,
                to_wrap_up=event.attempt_id if connected else "",
                wrap_up_agent=self.agent if connected else "",
            )
        if isinstance(event, ev.DialAttemptDispositioned):
            nxt = datetime.fromisoformat(event.next_attempt_at) if event.next_attempt_at else None
            return replace(
                self,
                contact=replace(contact, next_attempt_at=nxt, done=event.done),
                to_wrap_up="",
                wrap_up_agent="",
            )
        return self

    def place(
        self, attempt_id: str, rules: Rules, now: datetime, **fields
    ) -> list[ev.DialAttemptPlaced]:
        reason = refusal(self.contact, rules, now)
        if reason:
            raise DialRefused(f"{self.contact.phone}: {reason}")
        return [
            ev.DialAttemptPlaced(
                attempt_id=attempt_id,
                contact_id=self.contact.contact_id,
                phone=self.contact.phone,
                **fields,
            )
        ]

    def answer(self, attempt_id: str, agent: str) -> list[ev.DialAttemptAnswered]:
        if attempt_id != self.live_attempt or self.answered:
            return []  # a late or repeated callback: nothing new
        return [
            ev.DialAttemptAnswered(
                attempt_id=attempt_id,
                contact_id=self.contact.contact_id,
                answered_by=self.answered_by or "unknown",
                agent=agent,
            )
        ]

    def classify(self, attempt_id: str, answered_by: str) -> list[ev.DialAttemptClassified]:
        if attempt_id != self.live_attempt or self.answered_by == answered_by:
            return []
        return [
            ev.DialAttemptClassified(
                attempt_id=attempt_id, contact_id=self.contact.contact_id, answered_by=answered_by
            )
        ]

    def wrap_up(
        self,
        attempt_id: str,
        agent: str,
        disposition: str,
        *,
        right_party: bool,
        converted: bool,
        now: datetime,
        max_attempts: int,
        retries: dict[str, timedelta | None],
    ) -> list[ev.DialAttemptDispositioned]:
        """The agent's disposition of the call they had; its retry rule, if any, reopens the
        contact (within the attempt limit)."""
        if attempt_id != self.to_wrap_up:
            raise DialRefused("that call is not waiting for a wrap-up")
        if agent != self.wrap_up_agent:
            raise DialRefused("only the agent who had the call wraps it up")
        contact = self.contact
        if disposition in retries:
            delay = retries[disposition]
            done = delay is None or contact.attempts >= max_attempts
            nxt = None if done else now + delay
        else:
            done, nxt = contact.done, contact.next_attempt_at
        return [
            ev.DialAttemptDispositioned(
                attempt_id=attempt_id,
                contact_id=contact.contact_id,
                disposition=disposition,
                right_party=right_party,
                converted=converted,
                agent=agent,
                next_attempt_at=nxt.isoformat() if nxt else None,
                done=done,
            )
        ]

    def outcome(self, call_status: str) -> str:
        """The attempt's outcome from Twilio's final CallStatus and what happened before."""
        if call_status != "completed":
            return call_status  # busy, no-answer, failed, canceled
        if self.answered_by.startswith(("machine", "fax")):
            return "machine"
        if not self.answered:
            return "no-answer"
        return "connected" if self.agent else "abandoned"

    def end(
        self,
        attempt_id: str,
        outcome: str,
        now: datetime,
        max_attempts: int,
        retries: dict[str, timedelta | None],
        duration_seconds: int = 0,
    ) -> list[ev.DialAttemptEnded]:
        if attempt_id != self.live_attempt:
            return []  # ended already (Twilio retries its callbacks)
        after = after_attempt(self.contact, outcome, now, max_attempts, retries)
        return [
            ev.DialAttemptEnded(
                attempt_id=attempt_id,
                contact_id=self.contact.contact_id,
                outcome=outcome,
                attempts=after.attempts,
                next_attempt_at=after.next_attempt_at.isoformat()
                if after.next_attempt_at
                else None,
                done=after.done,
                duration_seconds=duration_seconds,
            )
        ]
