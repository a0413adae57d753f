import pytest

from routing import config
from routing.models import AgentProfile
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import TwilioApi, a_channel


@pytest.fixture(autouse=True)
def _forget_routing_config():
    """Queues made here are rolled back with the test; the routing snapshot must not outlive
    them into the next test (it is cached for seconds)."""
    yield
    config.invalidate()


@pytest.fixture
def api():
    api = TwilioApi()
    server, url = api.serve()
    api.url = url
    yield api
    server.shutdown()


@pytest.fixture
def queues():
    channels = ("voice", "webchat", "sms")
    return {
        "billing": a_queue("Billing", entry=None, channels=channels),
        "sales": a_queue("Sales", entry=None, channels=channels),
        "support": a_queue("Support", entry="webchat:*", channels=channels),
    }


@pytest.fixture
def line(api, queues):
    flow = menu_flow(queues["billing"], queues["sales"], queues["support"])
    at_entry(flow, "voice", queues["support"])
    return a_channel(api.url)


@pytest.fixture
def agent(queues):
    user = an_agent(queues["billing"], queues["support"], skills={"billing": 5})
    AgentProfile.objects.filter(user=user).update(voice_endpoint="+15557770001")
    config.invalidate()
    return user
