"""`manage.py create_api_token USER` (CONTRACT.md): a new token for an agent or a supervisor,
printed once; someone who may not use the API gets none."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from contactcenter.api.models import ApiToken

pytestmark = pytest.mark.django_db


def create_api_token(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_an_agent_gets_a_token_the_api_takes(alice):
    key = create_api_token("alice")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/interactions/").status_code == 200
    token = ApiToken.objects.get(user=alice)
    assert token.key_hash != key and key.startswith(token.prefix)  # stored only as a hash
    assert not token.can_read_events


def test_a_supervisor_gets_one_and_an_agents_may_read_events_when_asked(alice, sam):
    assert create_api_token("sam")
    create_api_token("alice", "--name", "BI export", "--events")

    token = ApiToken.objects.get(user=alice)
    assert (token.name, token.can_read_events) == ("BI export", True)


def test_each_call_is_a_new_token_and_the_old_one_still_works(alice):
    first, second = create_api_token("alice"), create_api_token("alice")

    assert first != second
    assert ApiToken.objects.filter(user=alice).count() == 2


def test_someone_who_may_not_use_the_api_gets_no_token():
    User.objects.create_user("clerk", password="pw-for-tests")

    with pytest.raises(CommandError, match="clerk may not use the API: only agents and super"):
        create_api_token("clerk")
    assert not ApiToken.objects.exists()


def test_an_unknown_or_deactivated_user_gets_no_token(alice):
    alice.is_active = False
    alice.save()

    with pytest.raises(CommandError, match="no user 'nobody'"):
        create_api_token("nobody")
    with pytest.raises(CommandError, match="alice is deactivated"):
        create_api_token("alice")
    assert not ApiToken.objects.exists()
