"""The demo tenant's WhatsApp number (secrets valid only in the demo: anyone may play Meta's
webhooks against a local server), taken by the Support queue."""

from channels_adapters.whatsapp.models import WhatsAppChannel
from routing.models import EntryPoint, Queue

PHONE_NUMBER_ID = "100000000000001"
APP_SECRET = "demo-meta-app-secret"
VERIFY_TOKEN = "demo-verify-token"


def seed(log) -> None:
    WhatsAppChannel.objects.get_or_create(
        phone_number_id=PHONE_NUMBER_ID,
        defaults={
            "name": "Demo WhatsApp",
            "display_phone_number": "15550000001",
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "access_token": "demo-whatsapp-access-token",
            "api_base_url": "http://127.0.0.1:8765",  # a local fake Graph API (docs/channels.md)
            "templates": [
                {
                    "name": "follow_up",
                    "language": "en_US",
                    "text": "Hello again! We have an update on your request. Reply to continue.",
                }
            ],
        },
    )
    support = Queue.objects.filter(name="Support").first()
    if support is not None:
        if "whatsapp" not in support.channels:
            support.channels = [*support.channels, "whatsapp"]
            support.save(update_fields=["channels"])
        EntryPoint.objects.get_or_create(
            channel="whatsapp", channel_key=PHONE_NUMBER_ID, defaults={"queue": support}
        )
    log(
        f"whatsapp: phone number id {PHONE_NUMBER_ID} (app secret {APP_SECRET!r}, "
        f"verify token {VERIFY_TOKEN!r}) → Support"
    )
