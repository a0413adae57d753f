"""Routing configuration in Django admin refuses nonsense with a message."""

import pytest
from django.contrib.auth.models import User

from routing.models import AgentProfile, OverflowStep, Queue
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-for-tests"))
    return client


def queue_form(**overrides) -> dict:
    data = {
        "name": "Returns",
        "channels": ["webchat", "email"],
        "priority": 0,
        "strategy": "longest_idle",
        "max_size": 0,
        "sl_threshold_seconds": 20,
        "sl_target_percent": 80,
        "offer_timeout_seconds": 30,
        "missed_offers_before_away": 3,
        "wrap_up_limit_seconds": 120,
        "known_agent_window_seconds": 0,
        "after_hours_action": "message",
        "after_hours_message": "closed",
        "required_skills-TOTAL_FORMS": 0,
        "required_skills-INITIAL_FORMS": 0,
        "overflow_steps-TOTAL_FORMS": 0,
        "overflow_steps-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}


def test_a_valid_queue_is_saved(admin_client):
    response = admin_client.post("/admin/routing/queue/add/", queue_form())
    assert response.status_code == 302
    assert Queue.objects.get(name="Returns").channels == ["webchat", "email"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sl_threshold_seconds": 0}, "greater than or equal to 1"),
        ({"sl_target_percent": 120}, "less than or equal to 100"),
        ({"channels": []}, "This field is required"),
        ({"channels": ["fax"]}, "not one of the available choices"),
        ({"offer_timeout_seconds": 1}, "greater than or equal to 5"),
        ({"after_hours_action": "redirect"}, "Choose the queue to send to"),
    ],
)
def test_nonsense_queue_settings_are_refused_with_a_message(admin_client, overrides, message):
    response = admin_client.post("/admin/routing/queue/add/", queue_form(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Queue.objects.filter(name="Returns").exists()


def test_an_overflow_step_cannot_point_at_its_own_queue(admin_client):
    queue = a_queue(name="Returns")
    form = queue_form(
        **{
            "overflow_steps-TOTAL_FORMS": 1,
            "overflow_steps-0-after_seconds": 60,
            "overflow_steps-0-action": "move_to_queue",
            "overflow_steps-0-target_queue": queue.pk,
        }
    )
    response = admin_client.post(f"/admin/routing/queue/{queue.pk}/change/", form)
    assert response.status_code == 200
    assert "cannot point at its own queue" in response.text
    assert not OverflowStep.objects.exists()


def capacity_rows(*rows):
    """The AgentCapacity inline's form fields for (channel, capacity) rows."""
    form = {"capacities-TOTAL_FORMS": len(rows), "capacities-INITIAL_FORMS": 0}
    for n, (channel, capacity) in enumerate(rows):
        form[f"capacities-{n}-channel"] = channel
        form[f"capacities-{n}-capacity"] = capacity
    return form


def test_a_capacity_out_of_range_is_refused_and_rows_override_the_defaults(admin_client):
    user = User.objects.create_user("newbie")
    form = {
        "user": user.pk,
        "display_name": "",
        "avatar_url": "",
        "voice_endpoint": "",
        "voice_blocks_other_work": "on",
        "skills-TOTAL_FORMS": 0,
        "skills-INITIAL_FORMS": 0,
    }
    response = admin_client.post(
        "/admin/routing/agentprofile/add/", {**form, **capacity_rows(("webchat", -1))}
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.text
    response = admin_client.post(
        "/admin/routing/agentprofile/add/", {**form, **capacity_rows(("webchat", 51))}
    )
    assert "less than or equal to 50" in response.text
    response = admin_client.post(
        "/admin/routing/agentprofile/add/", {**form, **capacity_rows(("voice", 2))}
    )
    assert "Voice takes at most 1 at once" in response.text
    assert not AgentProfile.objects.exists()

    response = admin_client.post(
        "/admin/routing/agentprofile/add/",
        {**form, **capacity_rows(("webchat", 2), ("email", 0))},
    )
    assert response.status_code == 302
    capacity = AgentProfile.objects.get().capacity()
    assert capacity["webchat"] == 2 and capacity["email"] == 0
    assert capacity["sms"] == 3 and capacity["voice"] == 1  # no row: the channel's default


def test_an_agent_skill_level_must_be_1_to_10(admin_client):
    user = User.objects.create_user("skilled")
    from tests.routing.builders import skill

    form = {
        "user": user.pk,
        "display_name": "",
        "avatar_url": "",
        "voice_endpoint": "",
        "capacities-TOTAL_FORMS": 0,
        "capacities-INITIAL_FORMS": 0,
        "skills-TOTAL_FORMS": 1,
        "skills-INITIAL_FORMS": 0,
        "skills-0-skill": skill("billing").pk,
        "skills-0-level": 11,
    }
    response = admin_client.post("/admin/routing/agentprofile/add/", form)
    assert "less than or equal to 10" in response.text


def test_opening_hours_must_close_after_they_open(admin_client):
    form = {
        "name": "Office",
        "timezone": "Europe/Paris",
        "hours-TOTAL_FORMS": 1,
        "hours-INITIAL_FORMS": 0,
        "hours-0-weekday": 0,
        "hours-0-opens": "18:00",
        "hours-0-closes": "09:00",
        "holidays-TOTAL_FORMS": 0,
        "holidays-INITIAL_FORMS": 0,
    }
    response = admin_client.post("/admin/routing/businesscalendar/add/", form)
    assert "Closing time must be after opening time" in response.text
    response = admin_client.post(
        "/admin/routing/businesscalendar/add/", {**form, "timezone": "Mars/Olympus"}
    )
    assert "is not a known time zone" in response.text
