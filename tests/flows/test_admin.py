"""Admin saves a flow only when it can run, and says what is wrong otherwise."""

import pytest
from django.contrib.auth.models import User

from routing.flows.models import Flow
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests"))
    return client


def form(steps: list[dict], *, start="menu", key="support-line") -> dict:
    data = {
        "key": key,
        "name": "Support line",
        "start_step": start,
        "no_match_text": "Sorry?",
        "voice_language": "en-US",
        "idle_minutes": "30",
        "email_acknowledgement": "",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "entry_points-TOTAL_FORMS": "0",
        "entry_points-INITIAL_FORMS": "0",
        "entry_points-MIN_NUM_FORMS": "0",
        "entry_points-MAX_NUM_FORMS": "1000",
    }
    for n, step in enumerate(steps):
        values = {"retries": "2", "position": str(n), **step}
        data |= {f"steps-{n}-{name}": value for name, value in values.items()}
    return data


def test_a_flow_that_can_run_is_saved(admin_client):
    support = a_queue("Support")
    steps = [
        {"step_id": "menu", "kind": "menu", "text": "Hi!", "options": "1 | Agent | agent"},
        {"step_id": "agent", "kind": "route", "queue": str(support.pk)},
    ]

    response = admin_client.post("/admin/flows/flow/add/", form(steps))

    assert response.status_code == 302, response.text
    assert Flow.objects.get(key="support-line").steps.count() == 2


@pytest.mark.parametrize(
    "steps, message",
    [
        (
            [{"step_id": "menu", "kind": "menu", "text": "Hi!", "options": "1 | Agent | agnt"}],
            "This flow cannot run: step &#x27;menu&#x27;: its option &#x27;1&#x27; leads to "
            "&#x27;agnt&#x27;, which is missing.",
        ),
        (
            [
                {"step_id": "menu", "kind": "menu", "text": "Hi!", "options": "1 | Bye | bye"},
                {"step_id": "bye", "kind": "end"},
                {"step_id": "orphan", "kind": "end"},
            ],
            "This flow cannot run: step &#x27;orphan&#x27; cannot be reached from the start "
            "step &#x27;menu&#x27;.",
        ),
        (
            [
                {
                    "step_id": "menu",
                    "kind": "menu",
                    "text": "Hi!",
                    "options": "1 | Again | again",
                    "fallback_step": "again",
                },
                {"step_id": "again", "kind": "message", "text": "Once more", "next_step": "menu"},
            ],
            "This flow cannot run: a loop with no exit: again → menu → again",
        ),
        (
            [{"step_id": "menu", "kind": "menu", "text": "Hi!", "options": "1 Agent"}],
            "step &#x27;menu&#x27;: option line 1 (&#x27;1 Agent&#x27;) should read "
            "&#x27;value | label | next step&#x27;",
        ),
    ],
    ids=["missing target", "unreachable step", "loop with no exit", "unreadable option"],
)
def test_a_broken_flow_is_refused_with_a_clear_message(admin_client, steps, message):
    response = admin_client.post("/admin/flows/flow/add/", form(steps))

    assert response.status_code == 200
    assert message in response.text
    assert not Flow.objects.exists()


def test_the_flow_page_lists_its_steps_and_entry_points(admin_client):
    from tests.flows.builders import at_entry, menu_flow

    billing, sales, support = a_queue(entry=None), a_queue(entry=None), a_queue(entry=None)
    flow = menu_flow(billing, sales, support)
    at_entry(flow, "sms", support, "+15005550006")

    page = admin_client.get(f"/admin/flows/flow/{flow.pk}/change/")

    assert page.status_code == 200
    assert "billing-skill" in page.text and "+15005550006" in page.text
