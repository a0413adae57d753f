"""The demo tenant's Meta accounts, alike for WhatsApp and Messenger: secrets valid only in the
demo (anyone may play Meta's webhooks against a local server), the Graph API a local fake
(docs/channels.md), and the Support queue taking the channel."""

from collections.abc import Callable
from typing import Any

from routing.models import EntryPoint, Queue

APP_SECRET = "demo-meta-app-secret"
VERIFY_TOKEN = "demo-verify-token"
FAKE_GRAPH_API = "http://127.0.0.1:8765"


def seed_account(
    model: Any,
    *,
    channel: str,
    account_id: tuple[str, str],
    defaults: dict[str, Any],
    log: Callable[[str], None],
) -> None:
    """The account `model` with `account_id` (field, value), routed to Support."""
    field, value = account_id
    model.objects.get_or_create(
        **{field: value},
        defaults={
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "api_base_url": FAKE_GRAPH_API,
            **defaults,
        },
    )
    support = Queue.objects.filter(name="Support").first()
    if support is not None:
        if channel not in support.channels:
            support.channels = [*support.channels, channel]
            support.save(update_fields=["channels"])
        EntryPoint.objects.get_or_create(
            channel=channel, channel_key=value, defaults={"queue": support}
        )
    label = field.replace("_", " ")
    log(
        f"{channel}: {label} {value} (app secret {APP_SECRET!r}, "
        f"verify token {VERIFY_TOKEN!r}) → Support"
    )
