import pytest

from channels_adapters.slack.models import SlackChannel
from tests.routing.builders import a_queue, an_agent
from tests.slack import fake_slack
from tests.slack.payloads import BOT, SECRET, TEAM


@pytest.fixture
def fake():
    server = fake_slack.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def support():
    return a_queue("Support", entry=None)


@pytest.fixture
def slack(fake, support) -> SlackChannel:
    """The customer's workspace talks to our Slack app, whose Web API is the fake."""
    return SlackChannel.objects.create(
        name="Acme support app",
        team_id=TEAM,
        signing_secret=SECRET,
        bot_token="xoxb-test-token",
        bot_user_id=BOT,
        api_base_url=fake.base_url,
        queue=support,
    )


@pytest.fixture
def alice(support):
    user = an_agent(support, username="alice")
    user.first_name, user.last_name = "Alice", "Archer"
    user.save()
    return user


@pytest.fixture(autouse=True)
def _forget_routing_config():
    """Routing keeps its configuration for a moment per process; the next test's tables start
    empty, so it must not see this test's queues."""
    yield
    from routing import config

    config.invalidate()
