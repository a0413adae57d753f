"""The demo tenant's Messenger page (secrets valid only in the demo: anyone may play Meta's
webhooks against a local server), taken by the Support queue."""

from channels_adapters.messenger.models import MessengerPage
from routing.models import EntryPoint, Queue

PAGE_ID = "200000000000002"
APP_SECRET = "demo-meta-app-secret"
VERIFY_TOKEN = "demo-verify-token"


def seed(log) -> None:
    MessengerPage.objects.get_or_create(
        page_id=PAGE_ID,
        defaults={
            "name": "Demo page",
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "access_token": "demo-page-access-token",
            "api_base_url": "http://127.0.0.1:8765",  # a local fake Graph API (docs/channels.md)
        },
    )
    support = Queue.objects.filter(name="Support").first()
    if support is not None:
        if "messenger" not in support.channels:
            support.channels = [*support.channels, "messenger"]
            support.save(update_fields=["channels"])
        EntryPoint.objects.get_or_create(
            channel="messenger", channel_key=PAGE_ID, defaults={"queue": support}
        )
    log(
        f"messenger: page id {PAGE_ID} (app secret {APP_SECRET!r}, "
        f"verify token {VERIFY_TOKEN!r}) → Support"
    )
