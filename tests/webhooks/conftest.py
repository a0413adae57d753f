import pytest


@pytest.fixture(autouse=True)
def _forget_routing_config():
    yield
    from routing import config

    config.invalidate()
