"""STOP, START and HELP. Opting out and back in are events; `is_opted_out` is what the
outbound adapter and the console ask before anything is sent to a number."""

from channels_adapters.sms import events as ev
from channels_adapters.sms.models import SmsConsent
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events import store
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.types import DomainEvent

# Twilio's standard keywords (whole message, any case).
OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
OPT_IN = frozenset({"START", "YES", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})


def keyword(body: str) -> str:
    """The consent keyword `body` is, or ""."""
    word = body.strip().strip(".!").upper()
    return word if word in OPT_OUT | OPT_IN | HELP else ""


def stream_id(number: str) -> str:
    return f"sms-consent-{number}"


def is_opted_out(number: str) -> bool:
    return SmsConsent.objects.filter(number=number, opted_out=True).exists()


def status(number: str) -> dict:
    """For the console: may we text this number, and since when not."""
    row = SmsConsent.objects.filter(number=number).first()
    if row is None or not row.opted_out:
        return {"number": number, "opted_out": False}
    return {
        "number": number,
        "opted_out": True,
        "keyword": row.keyword,
        "since": row.since.isoformat() if row.since else None,
        "reason": f"{number} replied {row.keyword}: no SMS is sent until they reply START",
    }


@command
def record(number: str, channel_key: str, word: str, message_sid: str = "") -> bool:
    """Record an opt-out or opt-in keyword; False when it changes nothing (or is a repeat)."""
    if word not in OPT_OUT | OPT_IN:
        return False
    key = f"sms-consent:{message_sid}" if message_sid else None
    if key and store.key_exists(key):
        return False
    consent = Consent.load(number)
    events = consent.record(word, channel_key=channel_key, message_sid=message_sid)
    return bool(aggregates.append(consent, events, idempotency_key=key))


class Consent(Aggregate):
    """A number's consent stream (`sms-consent-<number>`), decided from its projection
    (SmsConsent), so loading reads only the head version."""

    stream_prefix = "sms-consent"
    folds = False

    def record(self, word: str, *, channel_key: str, message_sid: str) -> list[DomainEvent]:
        """Opt out or back in; nothing when the number already is that way."""
        opting_out = word in OPT_OUT
        if is_opted_out(self.key) == opting_out:
            return []
        kind = ev.SmsOptedOut if opting_out else ev.SmsOptedIn
        return [
            kind(number=self.key, channel_key=channel_key, keyword=word, message_sid=message_sid)
        ]


def console_extras(row) -> dict | None:
    """The console's banner on an SMS conversation whose customer opted out: no reply is sent
    until they text START (a note still may be written)."""
    from crm.models import Customer

    customer = Customer.objects.filter(pk=row.customer_id).first()
    if customer is None or not customer.phone:
        return None
    consent = status(customer.phone)
    if not consent["opted_out"]:
        return None
    return {"banner": consent["reason"], "blocks_reply": True, "consent": consent}
