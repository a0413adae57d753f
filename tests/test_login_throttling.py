"""Password guessing is throttled: after LOGIN_FAILURE_LIMIT wrong passwords for one account
from one address, that account cannot log in from that address until the lockout passes,
even with the right password. Colleagues behind the same address (an office's NAT), and the
same agent from elsewhere, are not locked out; a good login clears the count."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def agents():
    support = a_queue(name="Support")
    alice = an_agent(support, username="alice")
    bob = an_agent(support, username="bob")
    for agent in (alice, bob):
        agent.set_password(PASSWORD)
        agent.save()
    return alice, bob


def log_in(username: str, password: str, address: str = "203.0.113.7", path="/accounts/login/"):
    client = Client(REMOTE_ADDR=address)
    return client.post(path, {"username": username, "password": password})


def test_too_many_wrong_passwords_lock_the_account_out_from_that_address(agents):
    statuses = [log_in("alice", "guess").status_code for _ in range(settings.LOGIN_FAILURE_LIMIT)]
    # The form again, with its error, until the last guess allowed: that one locks.
    assert statuses == [200] * (settings.LOGIN_FAILURE_LIMIT - 1) + [429]

    locked = log_in("alice", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert f"in {settings.LOGIN_LOCKOUT_MINUTES} minutes" in locked.text
    assert "_auth_user_id" not in locked.client.session

    assert log_in("bob", PASSWORD).status_code == 302  # a colleague behind the same NAT
    assert log_in("alice", PASSWORD, address="198.51.100.9").status_code == 302  # from home


def test_a_good_login_clears_the_count(agents):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in("alice", "guess")
    assert log_in("alice", PASSWORD).status_code == 302
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in("alice", "guess")
    assert log_in("alice", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(agents):
    alice, _ = agents
    alice.is_staff = True
    alice.save()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in("alice", "guess", path="/admin/login/")
    assert log_in("alice", PASSWORD, path="/admin/login/").status_code == 429


@override_settings(LOGIN_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_saw_counts_and_what_the_client_wrote_does_not(agents):
    def through_proxy(forwarded_for: str, password: str):
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
        return client.post("/accounts/login/", {"username": "alice", "password": password})

    for n in range(settings.LOGIN_FAILURE_LIMIT):
        through_proxy(f"192.0.2.{n}, 203.0.113.7", "guess")  # a new made-up address each time

    assert through_proxy("192.0.2.99, 203.0.113.7", PASSWORD).status_code == 429
    assert through_proxy("198.51.100.9", PASSWORD).status_code == 302  # alice, from home
