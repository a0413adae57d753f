"""API tokens carry scopes (read, write, privacy) and may expire."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from contactcenter.api.models import ApiToken, digest
from tests.api.conftest import alice, support  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def client_with(user, **fields) -> APIClient:
    token = ApiToken(name="scoped", user=user, **fields)
    key = token.issue()
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_read_only_token_reads_but_cannot_write(alice):  # noqa: F811
    client = client_with(alice, scopes="read")
    assert client.get("/api/v1/queues/").status_code == 200
    refused = client.post(
        f"/api/v1/agents/{alice.pk}/presence/", {"presence": "available"}, format="json"
    )
    assert refused.status_code == 403 and "write scope" in refused.json()["detail"]


def test_a_write_only_token_cannot_read(alice):  # noqa: F811
    assert client_with(alice, scopes="write").get("/api/v1/queues/").status_code == 403


def test_an_expired_token_is_refused(alice):  # noqa: F811
    client = client_with(alice, expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/queues/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    fresh = client_with(alice, expires_at=timezone.now() + timedelta(days=1))
    assert fresh.get("/api/v1/queues/").status_code == 200


def test_create_api_token_takes_scopes_and_expiry(alice, capsys):  # noqa: F811
    call_command("create_api_token", alice.username, "--scopes", "read", "--expires-days", "30")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(key_hash=digest(key))
    assert token.scopes == "read"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    with pytest.raises(CommandError, match="scopes"):
        call_command("create_api_token", alice.username, "--scopes", "admin")
