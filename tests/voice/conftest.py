import pytest

from contactcenter.interactions.models import Interaction
from routing import config, offers, router
from routing.models import AgentProfile
from tests import twilio_api
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import a_channel
from tests.voice.phone import Phone

api = twilio_api.api  # Twilio's REST API, served here (a fixture)


@pytest.fixture(autouse=True)
def _forget_routing_config():
    """Queues made here are rolled back with the test; the routing snapshot must not outlive
    them into the next test (it is cached for seconds)."""
    yield
    config.invalidate()


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


def an_answered_call(client, agent) -> tuple[Phone, str]:
    """A caller who pressed 3 for support, answered by the agent: their phone, the interaction."""
    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    router.route_once()
    row = Interaction.objects.get(channel="voice")
    offers.accept_offer(row.id, row.offer_id, agent.pk)
    return phone, row.id


@pytest.fixture
def on_the_call(client, api, line, agent) -> str:
    """A caller the agent has answered; the agent is logged in to the console. The
    interaction's id."""
    _, interaction_id = an_answered_call(client, agent)
    client.force_login(agent)
    return interaction_id
