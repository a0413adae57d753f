"""TOTP for administrators and supervisors, and the password policy."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contactcenter.roles import SUPERVISORS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on")]


@pytest.fixture
def two_factor_on():
    with override_settings(STAFF_TWO_FACTOR=True):
        yield


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_admin_enrols_then_reaches_admin(client, admin_user):
    client.force_login(admin_user)

    first = client.get("/admin/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/two-factor/")
    page = client.get(first["Location"])
    assert page.status_code == 200 and b"otpauth://totp/" in page.content

    done = client.post("/accounts/two-factor/", {"token": code_for(admin_user), "next": "/admin/"})

    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=admin_user).confirmed


def test_a_supervisor_needs_the_code_for_supervisor_views_but_an_agent_not_for_the_console(
    client, django_user_model
):
    boss = django_user_model.objects.create_user("boss", password="pw-boss-long-1")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    agent = django_user_model.objects.create_user("agent-x", password="pw-agent-long-1")

    client.force_login(boss)
    assert client.get("/supervisor/").status_code == 302
    client.force_login(agent)
    console = client.get("/console/")
    assert "two-factor" not in console.get("Location", "")


def test_a_wrong_code_is_refused(client, admin_user):
    client.force_login(admin_user)
    client.get("/accounts/two-factor/")
    right = code_for(admin_user)
    wrong = "000000" if right != "000000" else "111111"

    refused = client.post("/accounts/two-factor/", {"token": wrong, "next": "/admin/"})

    assert refused.status_code == 400 and b"not right" in refused.content
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_device_asks_for_a_code_not_a_new_secret(client, admin_user):
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client.force_login(admin_user)

    page = client.get("/accounts/two-factor/?next=/admin/")

    assert b"otpauth://" not in page.content and b"Type the code" in page.content
    assert client.post("/accounts/two-factor/", {"token": code_for(admin_user)}).status_code == 302


def test_an_offsite_next_is_not_followed(client, admin_user):
    client.force_login(admin_user)
    client.get("/accounts/two-factor/")
    done = client.post(
        "/accounts/two-factor/", {"token": code_for(admin_user), "next": "https://evil.example/"}
    )
    assert done["Location"] == "/admin/"


@pytest.mark.parametrize("password", ["short1", "password1234", "123456789012345"])
def test_the_password_policy_refuses_weak_passwords(admin_user, password):
    with pytest.raises(ValidationError):
        validate_password(password, admin_user)


def test_the_password_policy_accepts_a_long_unusual_one(admin_user):
    validate_password("correct horse battery staple", admin_user)
