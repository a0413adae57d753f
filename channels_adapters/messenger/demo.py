"""The demo tenant's Messenger page, taken by Support (channels_adapters/meta/demo.py)."""

from channels_adapters.messenger.models import MessengerPage
from channels_adapters.meta import demo

PAGE_ID = "200000000000002"


def seed(log) -> None:
    demo.seed_account(
        MessengerPage,
        channel="messenger",
        account_id=("page_id", PAGE_ID),
        defaults={"name": "Demo page", "access_token": "demo-page-access-token"},
        log=log,
    )
