"""Click-to-contact from the console's customer panel: may this customer be reached on this
channel now, and if so start the conversation (the same command as the REST API's).

Refusals come first and say why: SMS consent (STOP), the do-not-call lists (calls and
texts), no identity of that kind, no configured channel to send from. Calling from the
console needs the agent's softphone (issue 16): until it lands, `voice` answers with that
reason, and `outbound.connect.agent_leg` is the seam to wire it to.
"""

from dataclasses import dataclass

from channels_adapters.email.models import EmailChannel
from channels_adapters.sms import consent
from channels_adapters.twilio.models import TwilioChannel
from contactcenter.api.views.outbound import start_conversation
from crm.models import ContactIdentity
from outbound.commands import on_do_not_call

CHANNELS = ("voice", "sms", "email", "slack")
KIND = {"voice": "phone", "sms": "phone", "email": "email", "slack": "slack"}
SOFTPHONE_PENDING = (
    "calling from the console needs the browser softphone, which is not wired in yet; "
    "call from your phone, or work the customer through a preview campaign"
)


@dataclass(frozen=True)
class Reach:
    channel: str
    allowed: bool
    address: str = ""
    channel_key: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "channel": self.channel,
            "allowed": self.allowed,
            "address": self.address,
            "reason": self.reason,
        }


def reach(customer_id: str, channel: str) -> Reach:
    identity = (
        ContactIdentity.objects.filter(customer_id=customer_id, kind=KIND[channel])
        .order_by("created_at")
        .first()
    )
    if identity is None:
        return Reach(channel, False, reason=f"no {KIND[channel]} identity to reach")
    address = identity.address
    if channel in ("voice", "sms"):
        listed = on_do_not_call(address)
        if listed:
            return Reach(
                channel, False, address, reason=f"{address} is on the do-not-call list {listed!r}"
            )
    if channel == "sms":
        status = consent.status(address)
        if status["opted_out"]:
            return Reach(channel, False, address, reason=status["reason"])
        line = TwilioChannel.objects.filter(sms_enabled=True).order_by("pk").first()
        if line is None:
            return Reach(channel, False, address, reason="no SMS number is configured")
        return Reach(channel, True, address, line.phone_number)
    if channel == "voice":
        return Reach(channel, False, address, reason=SOFTPHONE_PENDING)
    if channel == "email":
        inbox = EmailChannel.objects.order_by("pk").first()
        if inbox is None:
            return Reach(channel, False, address, reason="no e-mail inbox is configured")
        return Reach(channel, True, address, inbox.primary_address)
    return Reach(channel, True, address, address.split(":", 1)[0])  # Slack: TEAM:USER


def everything(customer_id: str) -> list[dict]:
    return [reach(customer_id, channel).as_dict() for channel in CHANNELS]


def start(user, customer_id: str, channel: str, text: str, subject: str = "") -> str:
    """Start the conversation, or raise Refused with the reason."""
    found = reach(customer_id, channel)
    if not found.allowed:
        raise Refused(found.reason)
    return start_conversation(
        user,
        {
            "channel": channel,
            "channel_key": found.channel_key,
            "customer_id": customer_id,
            "text": text,
            "subject": subject,
        },
    )


class Refused(Exception):
    pass
