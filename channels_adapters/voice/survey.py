"""The satisfaction survey on the call: when the agent hangs up and the caller is still on the
line, the caller hears a keypad question instead of a goodbye: redirected there through
Twilio's REST API when the agent hangs up from the console, answered with it when the agent's
own phone hangs up (<Dial>'s action). The key press comes back to /hooks/twilio/voice/survey/
and becomes the rating; no key within the Gather's timeout: a goodbye, and no rating."""

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import twiml
from channels_adapters.voice.models import Call
from contactcenter.commands import command
from contactcenter.csat import ratings
from contactcenter.csat import settings as csat
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.models import Interaction
from routing import offers

PATH = "/hooks/twilio/voice/survey/"
QUESTION = (
    "Before you go, please rate this call on your keypad, from 1 for very poor to 5 for great."
)
THANKS = "Thank you for your rating. Goodbye."
GOODBYE = "Goodbye."


def wanted(interaction_id: str) -> bool:
    queue_id = Interaction.objects.filter(pk=interaction_id).values_list("queue_id", flat=True)
    return csat.surveyed("voice", queue_id.first())


def question(channel: TwilioChannel) -> str:
    """The TwiML the caller's call is redirected to."""
    return str(twiml.keypad_survey(channel, channel.url(PATH), QUESTION, GOODBYE))


def after_the_agent_left(channel: TwilioChannel, call: Call, form: dict[str, str]) -> str | None:
    """The agent's phone hung up (<Dial>'s action, `completed`) with the caller still on the
    line (`in-progress`): their conversation ends and the caller is asked. The question's
    TwiML, or None when there is nothing to ask (the caller left too, no survey here)."""
    if form.get("DialCallStatus") != "completed" or form.get("CallStatus") != "in-progress":
        return None
    if not wanted(call.interaction_id):
        return None
    row = Interaction.objects.filter(pk=call.interaction_id, state="active").first()
    if row is None or row.agent_id is None:
        return None
    _end_and_ask(call.interaction_id, row.agent_id)
    return question(channel)


@command
def _end_and_ask(interaction_id: str, agent_id: int) -> None:
    offers.end_conversation(interaction_id, agent_id)
    asked(interaction_id)


@command
def asked(interaction_id: str) -> None:
    """The question is on its way to the caller (the agent's wrap-up has begun)."""
    with acting_as("system:csat"):
        interactions.decide_and_append(interaction_id, lambda i: i.ask_for_rating())


def answer(call: Call, digits: str) -> str:
    """The caller's key: their rating when it is 1 to 5; returns what they hear last."""
    rating = ratings.bare_rating(digits)
    if rating is None:
        return GOODBYE
    ratings.record(
        call.interaction_id,
        rating,
        channel="voice",
        idempotency_key=f"csat:twilio-voice:{call.call_sid}",
    )
    return THANKS
