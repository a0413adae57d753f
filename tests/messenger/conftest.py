import pytest

from channels_adapters.messenger.models import MessengerPage
from tests.messenger.payloads import IG_ACCOUNT, PAGE, SECRET, VERIFY
from tests.routing.builders import a_queue, an_agent


@pytest.fixture
def support():
    return a_queue("Support", channels=("messenger",), entry="messenger:*")


@pytest.fixture
def page(graph, support) -> MessengerPage:
    MessengerPage.objects.create(
        name="Acme on Instagram",
        page_id=IG_ACCOUNT,
        platform="instagram",
        app_secret=SECRET,
        verify_token=VERIFY,
        access_token="EAAinstagram",
        api_base_url=graph.base_url,
    )
    return MessengerPage.objects.create(
        name="Acme",
        page_id=PAGE,
        app_secret=SECRET,
        verify_token=VERIFY,
        access_token="EAApage",
        api_base_url=graph.base_url,
    )


@pytest.fixture
def alice(support):
    return an_agent(support, username="alice")
