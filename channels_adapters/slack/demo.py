"""The demo tenant's Slack channel: anyone can sign Events API requests with the demo secret
and play them against a local server (see docs/channels.md)."""

from channels_adapters.slack.models import ANY_TEAM, SlackChannel
from routing.models import Queue

DEMO_SIGNING_SECRET = "demo-slack-signing-secret"


def seed(log) -> None:
    channel, _ = SlackChannel.objects.get_or_create(
        team_id=ANY_TEAM,
        defaults={
            "name": "Demo Slack app",
            "signing_secret": DEMO_SIGNING_SECRET,
            "bot_token": "xoxb-demo-token",
            "bot_user_id": "U0DEMOBOT",
            "queue": Queue.objects.filter(name="Support").first(),
        },
    )
    log(f"slack: channel {channel.name!r} (signing secret {DEMO_SIGNING_SECRET!r}) → Support")
