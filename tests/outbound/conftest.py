import pytest

from outbound.models import Campaign
from routing.models import Queue
from tests.twilio_api import api  # noqa: F401  (Twilio's REST API, served here)


@pytest.fixture
def campaign(db) -> Campaign:
    queue = Queue.objects.create(name="Sales outbound")
    return Campaign.objects.create(name="Spring renewals", queue=queue, max_attempts=3)
