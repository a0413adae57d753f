"""Is this request really from Slack? slack-sdk's SignatureVerifier over the raw body, with
the platform's clock, so a request older than five minutes is refused (replay protection)."""

from collections.abc import Iterable, Mapping

from slack_sdk.signature import Clock, SignatureVerifier

from channels_adapters.slack.models import ANY_TEAM, SlackChannel
from contactcenter import clock


class PlatformClock(Clock):
    def now(self) -> float:
        return clock.now().timestamp()


def is_signed_by(channel: SlackChannel, body: bytes, headers: Mapping[str, str]) -> bool:
    if not channel.signing_secret.strip():
        return False
    verifier = SignatureVerifier(channel.signing_secret, clock=PlatformClock())
    try:
        return verifier.is_valid(
            body=body,
            timestamp=headers.get("X-Slack-Request-Timestamp"),
            signature=headers.get("X-Slack-Signature"),
        )
    except (ValueError, UnicodeDecodeError):  # a timestamp that is no number, a body not UTF-8
        return False


def signers(body: bytes, headers: Mapping[str, str]) -> list[SlackChannel]:
    """The active channels whose signing secret signed this request. Checked on the raw body
    before anything in it is parsed, so an unsigned request costs no parsing at all."""
    return [c for c in SlackChannel.objects.filter(active=True) if is_signed_by(c, body, headers)]


def answering(signed: Iterable[SlackChannel], team_id: str) -> SlackChannel | None:
    """Of the channels that signed a request naming `team_id`, the one that answers for it:
    its own, then the any-team one (one Slack app installed in many workspaces shares one
    signing secret). A request naming no team (url_verification) may come from any of them."""
    fitting = [c for c in signed if not team_id or c.team_id in (team_id, ANY_TEAM)]
    return min(fitting, key=lambda c: c.team_id == ANY_TEAM, default=None)
