import pytest

from channels_adapters.whatsapp.models import WhatsAppChannel
from tests.routing.builders import a_queue, an_agent
from tests.whatsapp.payloads import PNID, SECRET, VERIFY


@pytest.fixture
def support():
    return a_queue("Support", channels=("whatsapp",), entry="whatsapp:*")


@pytest.fixture
def number(graph, support) -> WhatsAppChannel:
    return WhatsAppChannel.objects.create(
        name="Acme on WhatsApp",
        phone_number_id=PNID,
        display_phone_number="15550783881",
        app_secret=SECRET,
        verify_token=VERIFY,
        access_token="EAAtest",
        api_base_url=graph.base_url,
        templates=[
            {"name": "follow_up", "language": "en_US", "text": "Hello again! Reply to continue."}
        ],
    )


@pytest.fixture
def alice(support):
    return an_agent(support, username="alice")
