"""The per-call token in a Media Stream's custom parameters. Twilio's signature proves the
stream comes from Twilio; this proves it is for the call we connected, and is recent (a token
copied out of an old TwiML document does not open a stream)."""

from django.conf import settings
from django.core import signing

from routing import presence

SALT = "voice.media-stream"


class BadToken(Exception):
    """The token is missing, forged, for another call, or expired (the message says which)."""


def issue(call_sid: str, interaction_id: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"call": call_sid, "interaction": interaction_id}
    )


def check(token: str, call_sid: str) -> str:
    """The interaction the stream belongs to; raises BadToken."""
    if not token:
        raise BadToken("no token in the stream's custom parameters")
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=settings.VOICE_MEDIA_TOKEN_SECONDS
        )
    except signing.SignatureExpired:
        raise BadToken("the stream token has expired") from None
    except signing.BadSignature:
        raise BadToken("the stream token is not ours") from None
    if data.get("call") != call_sid:
        raise BadToken("the stream token is for another call")
    return str(data["interaction"])


SOFTPHONE = presence.SOFTPHONE  # an agent's voice endpoint: the console's WebRTC softphone
PATH = "/ws/media/twilio/"


def stream_url(base_url: str) -> str:
    """The URL the TwiML names and Twilio signs: the public base URL as ws(s)://."""
    scheme = "wss" if base_url.startswith("https://") else "ws"
    return f"{scheme}://{base_url.split('://', 1)[1].rstrip('/')}{PATH}"
