"""Click-to-contact from the console's customer panel: may this customer be reached on this
channel now, and if so start the conversation (the same command as the REST API's).

Refusals come first and say why: SMS consent (STOP), the do-not-call lists (calls and
texts), no identity of that kind, no configured channel to send from; a call also needs the
agent on the console's softphone (outbound/calling.py places it).
"""

from dataclasses import dataclass

from channels_adapters import base as channel_registry
from channels_adapters.email.models import EmailChannel
from channels_adapters.sms import consent
from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import outgoing
from contactcenter.actions import Actor
from contactcenter.actions.outbound import start_conversation
from crm.models import ContactIdentity
from outbound import calling
from outbound.commands import on_do_not_call
from routing import config
from routing.presence import SOFTPHONE

CHANNELS = ("voice", "sms", "email", "slack")
NOT_ON_THE_SOFTPHONE = (
    "calls from the console go through the browser softphone: ask an admin to set your "
    "voice endpoint to 'softphone'"
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


def reach(customer_id: str, channel: str, agent_id: int | None = None) -> Reach:
    identity = (
        ContactIdentity.objects.filter(
            customer_id=customer_id, kind=channel_registry.identity_kind(channel)
        )
        .order_by("created_at")
        .first()
    )
    if identity is None:
        return Reach(
            channel, False, reason=f"no {channel_registry.identity_kind(channel)} identity to reach"
        )
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
        return _callable(address, agent_id)
    if channel == "email":
        inbox = EmailChannel.objects.order_by("pk").first()
        if inbox is None:
            return Reach(channel, False, address, reason="no e-mail inbox is configured")
        return Reach(channel, True, address, inbox.primary_address)
    return Reach(channel, True, address, address.split(":", 1)[0])  # Slack: TEAM:USER


def _callable(address: str, agent_id: int | None) -> Reach:
    """A call needs a voice line and the agent on the console's softphone (whether it is on
    now is asked when they press Call: calling.agent_refusal)."""
    line = outgoing.line()
    if line is None:
        return Reach("voice", False, address, reason="no voice number is configured")
    agent = config.current().agents.get(agent_id) if agent_id is not None else None
    if agent is None or agent.voice_endpoint != SOFTPHONE:
        return Reach("voice", False, address, reason=NOT_ON_THE_SOFTPHONE)
    return Reach("voice", True, address, line.phone_number)


def everything(customer_id: str, agent_id: int | None = None) -> list[dict]:
    return [reach(customer_id, channel, agent_id).as_dict() for channel in CHANNELS]


def start(user, customer_id: str, channel: str, text: str, subject: str = "") -> str:
    """Start the conversation (a call: place it), or raise Refused with the reason."""
    found = reach(customer_id, channel, user.pk)
    if not found.allowed:
        raise Refused(found.reason)
    if channel == "voice":
        try:
            return calling.call(user, customer_id, found.address, found.channel_key)
        except calling.CallRefused as refusal:
            raise Refused(str(refusal)) from None
    return start_conversation(
        Actor.of(user, "console"),
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
