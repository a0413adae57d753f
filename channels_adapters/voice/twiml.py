"""The TwiML documents a call hears. Pure: each function takes what to say and returns a
VoiceResponse (twilio's builder, which escapes every text). Only documented verbs and
attributes are used; tests/voice/test_twiml.py holds the list and checks every document."""

from dataclasses import dataclass, field

from twilio.twiml.voice_response import VoiceResponse

from channels_adapters.twilio.models import TwilioChannel

GATHER_TIMEOUT_SECONDS = 6
DIAL_TIMEOUT_SECONDS = 30
VOICEMAIL_MAX_SECONDS = 120
CONNECTING = "Connecting you to an agent."
THANKS_FOR_MESSAGE = "Thank you for your message. We will get back to you. Goodbye."
GOODBYE = "Goodbye."


@dataclass(frozen=True)
class Prompt:
    text: str
    options: list[dict] = field(default_factory=list)  # [{"value": "1", "label": "Billing"}]
    input: str = ""  # what the flow waits for: choice, text, message (a recording), or nothing


def _say(node, channel: TwilioChannel, text: str) -> None:
    if text.strip():
        node.say(text, voice=channel.tts_voice, language=channel.voice_language)


def spoken(prompt: Prompt) -> str:
    """A menu as it is said: the prompt, then "For Billing, press 1." for each option."""
    choices = " ".join(f"For {o['label']}, press {o['value']}." for o in prompt.options)
    return f"{prompt.text} {choices}".strip()


def flow_turn(
    channel: TwilioChannel,
    prompts: list[Prompt],
    *,
    answer_url: str,
    no_input_url: str,
    recording_url: str,
    transcription_url: str,
) -> VoiceResponse:
    """The flow's prompts of this turn; the last one waits for keys, speech or a recording."""
    response = VoiceResponse()
    *before, last = prompts
    for prompt in before:
        _say(response, channel, prompt.text)
    if last.input in ("choice", "text"):
        single_keys = last.options and all(len(o["value"]) == 1 for o in last.options)
        gather = response.gather(
            input="dtmf speech",
            action=answer_url,
            method="POST",
            timeout=GATHER_TIMEOUT_SECONDS,
            speech_timeout="auto",
            language=channel.voice_language,
            action_on_empty_result=False,
            **({"num_digits": 1} if single_keys else {"finish_on_key": "#"}),
            **({"hints": ", ".join(o["label"] for o in last.options)} if last.options else {}),
        )
        _say(gather, channel, spoken(last))
    elif last.input == "message":
        _say(response, channel, last.text)
        response.record(
            action=recording_url,
            method="POST",
            max_length=VOICEMAIL_MAX_SECONDS,
            finish_on_key="#",
            play_beep=True,
            transcribe=True,
            transcribe_callback=transcription_url,
        )
    else:
        _say(response, channel, last.text)
    response.redirect(no_input_url, method="POST")
    return response


def minutes(seconds: float) -> str:
    if seconds < 60:
        return "less than a minute"
    whole = round(seconds / 60)
    return "about one minute" if whole == 1 else f"about {whole} minutes"


def waiting(
    channel: TwilioChannel,
    *,
    said: list[str],
    position: int,
    expected_wait_seconds: float | None,
    wait_url: str,
    key_url: str,
) -> VoiceResponse:
    """On hold: where the caller stands, then music; a key asks for a callback instead."""
    response = VoiceResponse()
    for text in said:
        _say(response, channel, text)
    place = "You are next in line." if position == 1 else f"You are number {position} in line."
    if expected_wait_seconds is not None:
        place += f" The expected wait is {minutes(expected_wait_seconds)}."
    _say(response, channel, place)
    if channel.callback_key:
        gather = response.gather(
            input="dtmf", num_digits=1, action=key_url, method="POST", timeout=1
        )
        key = {"*": "star", "#": "pound"}.get(channel.callback_key, channel.callback_key)
        _say(
            gather,
            channel,
            f"To hang up and keep your place in line, press {key}. We will call you back.",
        )
        gather.play(channel.hold_music_url)
    else:
        response.play(channel.hold_music_url)
    response.redirect(wait_url, method="POST")
    return response


@dataclass(frozen=True)
class Stream:
    """Where the call's audio goes on the platform (a Media Stream) and its call's token."""

    url: str
    token: str
    wait_url: str  # where Twilio goes when the stream ends: the wait loop decides


def connect(
    channel: TwilioChannel,
    endpoint: str,
    *,
    dial_url: str,
    said: str = CONNECTING,
    stream: Stream | None = None,
) -> VoiceResponse:
    """Bridge the caller to the agent's endpoint: +E.164, sip:URI or client:identity; or,
    with `stream`, connect the call's audio to the platform, where the agent's softphone is."""
    response = VoiceResponse()
    _say(response, channel, said)
    if stream is not None:
        # Bidirectional: what we send on the socket is what the caller hears.
        connect = response.connect()
        connect.stream(url=stream.url).parameter(name="token", value=stream.token)
        response.redirect(stream.wait_url, method="POST")
        return response
    # No callerId: the agent sees the caller's own number (ours, on a callback).
    dial = response.dial(action=dial_url, method="POST", timeout=DIAL_TIMEOUT_SECONDS)
    if endpoint.startswith("sip:"):
        dial.sip(endpoint)
    elif endpoint.startswith("client:"):
        dial.client(endpoint.removeprefix("client:"))
    else:
        dial.number(endpoint)
    return response


def hold(channel: TwilioChannel) -> VoiceResponse:
    response = VoiceResponse()
    response.play(channel.hold_music_url, loop=0)
    return response


def goodbye(channel: TwilioChannel, said: list[str], closing: str = "") -> VoiceResponse:
    response = VoiceResponse()
    for text in [*said, closing]:
        _say(response, channel, text)
    response.hangup()
    return response


def keypad_survey(
    channel: TwilioChannel, action: str, question: str, goodbye: str
) -> VoiceResponse:
    """One key from 1 to 5 for the rating; silence falls through to the goodbye."""
    response = VoiceResponse()
    gather = response.gather(input="dtmf", num_digits=1, action=action, method="POST", timeout=8)
    _say(gather, channel, question)
    _say(response, channel, goodbye)
    response.hangup()
    return response
