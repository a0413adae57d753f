"""Click-to-call: the agent calls the customer on screen from the console, on their softphone.

`reach` has checked the customer side first (a number, the do-not-call lists, a voice line);
here the agent's side: their softphone is on and they hold no other call (one voice capacity
for inbound and outbound alike). Then Twilio is asked to ring the customer, and only a call
Twilio placed is recorded, in one transaction: the outbound voice interaction, the agent's from
the start (InteractionCreated, InteractionAssigned), and the call (CallStarted, CallDialed).
Twilio's answer URL then connects the customer's audio to the room the agent's softphone joins
(channels_adapters/voice/outgoing.py).
"""

import uuid

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import outgoing
from contactcenter.actions import Actor
from contactcenter.actions.outbound import start_conversation
from contactcenter.commands import command
from routing.models import AgentState

LIVE = ("offered", "active")


class CallRefused(Exception):
    """Why the call was not placed (nothing was recorded)."""


def agent_refusal(agent_id: int) -> str:
    """Why this agent cannot call out now, or "" when they can."""
    state = AgentState.objects.filter(agent_id=agent_id).first()
    if state is None or not state.softphone_on:
        return "turn the softphone on first: the call's audio is in your browser"
    if any(w["channel"] == "voice" and w["state"] in LIVE for w in state.work.values()):
        return "you are on a call already: finish it first"
    return ""


def call(user, customer_id: str, number: str, line_number: str) -> str:
    """Place the call; returns the new interaction's id, or raises CallRefused."""
    refusal = agent_refusal(user.pk)
    if refusal:
        raise CallRefused(refusal)
    channel = TwilioChannel.objects.get(phone_number=line_number)
    try:
        call_sid = outgoing.ring(channel, number)
    except outgoing.NotPlaced as error:
        raise CallRefused(f"Twilio did not place the call: {error}") from None
    interaction_id = str(uuid.uuid4())
    try:
        _placed(user, customer_id, interaction_id, call_sid, channel.phone_number, number)
    except Exception:
        outgoing.withdraw(channel, call_sid)
        raise
    return interaction_id


@command
def _placed(
    user, customer_id: str, interaction_id: str, call_sid: str, ours: str, theirs: str
) -> None:
    start_conversation(
        Actor.of(user, "console"),
        {
            "channel": "voice",
            "channel_key": ours,
            "customer_id": customer_id,
            "interaction_id": interaction_id,
        },
    )
    outgoing.placed(interaction_id, call_sid, user.pk, ours=ours, theirs=theirs)
