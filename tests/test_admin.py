import pytest
from django.contrib.auth.models import User

from contactcenter.events.models import Event
from tests.factories import new_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client.force_login(user)
    return client


def test_the_event_log_is_browsable_filterable_and_never_editable(admin_client):
    chat = new_chat(text="<b>bold</b> claim")
    event = Event.objects.filter(type="MessageReceived").get()

    listing = admin_client.get("/admin/events/event/?type=MessageReceived")
    detail = admin_client.get(f"/admin/events/event/{event.pk}/change/")

    assert listing.status_code == 200 and f"interaction-{chat.interaction_id}" in listing.text
    assert detail.status_code == 200
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in detail.text  # pretty JSON, escaped
    assert admin_client.get("/admin/events/event/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/events/event/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Event.objects.filter(pk=event.pk).exists()


def test_an_interaction_page_shows_its_event_stream(admin_client):
    chat = new_chat(text="Need a hand")

    page = admin_client.get(f"/admin/interactions/interaction/{chat.interaction_id}/change/")

    assert page.status_code == 200
    assert "InteractionCreated" in page.text and "MessageReceived" in page.text


def test_a_customer_page_shows_identities_and_the_timeline_and_can_merge(admin_client):
    a = new_chat(visitor="v-adm-1", text="first")
    b = new_chat(visitor="v-adm-2", text="second")

    page = admin_client.get(f"/admin/crm/customer/{a.customer_id}/change/")
    assert page.status_code == 200
    assert "v-adm-1" in page.text and "webchat" in page.text and "first" in page.text

    bad = admin_client.post(f"/admin/crm/customer/{a.customer_id}/merge/", {"into": "nobody"})
    assert bad.status_code == 200 and "No such customer" in bad.text

    merged = admin_client.post(
        f"/admin/crm/customer/{a.customer_id}/merge/", {"into": b.customer_id}
    )
    assert merged.status_code == 302
    assert Event.objects.filter(type="CustomerMerged").count() == 1
