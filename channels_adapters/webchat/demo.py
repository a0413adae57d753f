"""The demo tenant's web chat: key `demo`, embeddable on the demo page and on localhost."""

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from routing.models import Queue

ORIGINS = [
    "http://127.0.0.1:8000",
    "http://localhost:8000",
    "http://127.0.0.1:8080",
    "http://localhost:8080",
]


def seed(log) -> None:
    chat, created = WebChatChannel.objects.get_or_create(
        key="demo",
        defaults={
            "name": "Demo web chat",
            "title": "Acme support",
            "greeting": "Hi! Ask us anything.",
            "allowed_origins": "\n".join(ORIGINS),
        },
    )
    if created:
        for order, name in enumerate(["Sales", "Support", "Billing"]):
            WebChatTopic.objects.create(
                channel=chat, label=name, order=order, queue=Queue.objects.get(name=name)
            )
    log("web chat: channel 'demo' with topics Sales, Support, Billing")
