import pytest

from outbound.models import Campaign
from routing.models import Queue


@pytest.fixture
def campaign(db) -> Campaign:
    queue = Queue.objects.create(name="Sales outbound")
    return Campaign.objects.create(name="Spring renewals", queue=queue, max_attempts=3)
