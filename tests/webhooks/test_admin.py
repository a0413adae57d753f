"""Subscriptions in admin: a new one starts at the end of the log, a paused one shows why,
and it can be replayed from a position."""

import pytest
from django.contrib.auth.models import User

from contactcenter.events import store
from contactcenter.events.models import Event
from contactcenter.webhooks.models import WebhookSubscription
from tests.factories import new_chat
from tests.settle import settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-for-tests"))
    return client


def test_a_new_subscription_starts_at_the_end_of_the_log_with_a_secret(admin_client):
    new_chat()
    settle()
    assert store.last_position() > 0

    form = admin_client.get("/admin/webhooks/webhooksubscription/add/")
    created = admin_client.post(
        "/admin/webhooks/webhooksubscription/add/",
        {
            "name": "BI",
            "url": "https://bi.example.com/hook",
            "event_types": '["InteractionClosed"]',
            "secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
            "position": store.last_position(),
        },
    )
    unknown_type = admin_client.post(
        "/admin/webhooks/webhooksubscription/add/",
        {
            "name": "x",
            "url": "https://x.example.com",
            "event_types": '["Nope"]',
            "secret": "s",
            "position": 0,
        },
    )

    assert f'value="{store.last_position()}"' in form.text
    assert created.status_code == 302
    assert WebhookSubscription.objects.get().event_types == ["InteractionClosed"]
    assert "Unknown event types: Nope" in unknown_type.text


def test_a_paused_subscription_is_visible_and_replayable_from_a_position(admin_client):
    new_chat()
    subscription = WebhookSubscription.objects.create(
        name="CRM",
        url="https://crm.example.com/hook",
        paused=True,
        paused_reason="8 failures in a row; last: HTTP 503",
        last_error="HTTP 503",
    )

    listing = admin_client.get("/admin/webhooks/webhooksubscription/?paused__exact=1")
    page = admin_client.get(f"/admin/webhooks/webhooksubscription/{subscription.pk}/replay/")
    wrong = admin_client.post(
        f"/admin/webhooks/webhooksubscription/{subscription.pk}/replay/", {"after_position": 10**12}
    )
    position = Event.objects.order_by("position").first().position
    done = admin_client.post(
        f"/admin/webhooks/webhooksubscription/{subscription.pk}/replay/",
        {"after_position": position},
    )

    assert "CRM" in listing.text and "HTTP 503" in listing.text
    assert page.status_code == 200 and "is paused" in page.text
    assert "no event at position" in wrong.text
    assert done.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.paused, subscription.position) == (False, position)
