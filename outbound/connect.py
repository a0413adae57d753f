"""The seam between an answered outbound call and an agent.

Today an answered call is bridged with TwiML <Dial> to the agent's voice endpoint (their
profile's +E.164 number, sip: URI or client: identity), the same way an inbound call reaches
an agent (channels_adapters/voice/bridge.py). When the browser softphone and the platform's
media path land (issue 16), `agent_leg` is the one function to change: it will answer with
the <Connect><Stream> that brings the call into the platform and ring the agent's softphone.
"""

from twilio.twiml.voice_response import VoiceResponse

from channels_adapters.twilio.models import TwilioChannel
from channels_adapters.voice import twiml
from channels_adapters.voice.calls import DIAL_PATH, agent_endpoint


def agent_leg(channel: TwilioChannel, agent_id: int, script_hint: str = "") -> VoiceResponse | None:
    """TwiML that puts the answered call through to the agent, or None if they cannot be
    reached by voice (then the caller hears the campaign's message: an abandoned call)."""
    endpoint = agent_endpoint(agent_id)
    if not endpoint:
        return None
    return twiml.connect(channel, endpoint, dial_url=channel.url(DIAL_PATH), said="")


def no_agent(channel: TwilioChannel, message: str) -> VoiceResponse:
    """What a person hears when they answer and nobody is free: who called, how to opt out."""
    response = VoiceResponse()
    response.say(message, voice=channel.tts_voice, language=channel.voice_language)
    response.hangup()
    return response


def hang_up() -> VoiceResponse:
    response = VoiceResponse()
    response.hangup()
    return response
