import pytest

from routing import config


@pytest.fixture(autouse=True)
def _forget_routing_config():
    """Queues made here are rolled back with the test; the routing snapshot must not outlive
    them into the next test (it is cached for seconds)."""
    yield
    config.invalidate()
