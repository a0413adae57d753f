"""The demo tenant's Twilio number, for SMS and voice (secrets valid only in the demo)."""

from channels_adapters.twilio.models import TwilioChannel

DEMO_NUMBER = "+15005550006"
DEMO_TOKEN = "demo-twilio-token"
DEMO_ACCOUNT = "AC00000000000000000000000000000000"


def seed(log) -> None:
    TwilioChannel.objects.get_or_create(
        phone_number=DEMO_NUMBER,
        defaults={
            "name": "Demo line",
            "account_sid": DEMO_ACCOUNT,
            "auth_token": DEMO_TOKEN,
        },
    )
    log(f"twilio: {DEMO_NUMBER} for SMS and voice (auth token {DEMO_TOKEN!r}, base PUBLIC_URL)")
