import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def everything() -> str:
    # The routing configuration's generation counts saves, changed or not: a signal to
    # other processes' caches (routing/config.py), not data.
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in {"sessions", "admin"}
        and m._meta.model_name != "configurationgeneration"
    ]
    return serializers.serialize("json", [o for m in models for o in m.objects.order_by("pk")])


def test_seed_demo_creates_the_demo_people_and_running_it_twice_changes_nothing():
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    login = RequestFactory().post("/accounts/login/")  # logins are throttled per request

    call_command("seed_demo", stdout=io.StringIO())
    first = everything()
    call_command("seed_demo", stdout=io.StringIO())

    assert everything() == first
    for username in ["admin", "supervisor", *(f"agent{n}" for n in range(1, 7))]:
        assert authenticate(login, username=username, password="contact-center"), username
