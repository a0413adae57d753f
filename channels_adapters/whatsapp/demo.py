"""The demo tenant's WhatsApp number, taken by Support (channels_adapters/meta/demo.py)."""

from channels_adapters.meta import demo
from channels_adapters.whatsapp.models import WhatsAppChannel

PHONE_NUMBER_ID = "100000000000001"


def seed(log) -> None:
    demo.seed_account(
        WhatsAppChannel,
        channel="whatsapp",
        account_id=("phone_number_id", PHONE_NUMBER_ID),
        defaults={
            "name": "Demo WhatsApp",
            "display_phone_number": "15550000001",
            "access_token": "demo-whatsapp-access-token",
            "templates": [
                {
                    "name": "follow_up",
                    "language": "en_US",
                    "text": "Hello again! We have an update on your request. Reply to continue.",
                }
            ],
        },
        log=log,
    )
