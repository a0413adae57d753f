"""Subject access export and erasure from the API and the admin, each checked against its
permission, each leaving a line on the audit page."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from contactcenter.api.models import ApiToken
from contactcenter.interactions.ingest import Attachment, ingest
from contactcenter.privacy.models import CustomerAccess
from crm.models import Customer
from tests.factories import chat_message, email_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_file():
    key = default_storage.save("privacy-test/receipt.txt", ContentFile(b"receipt for Dora"))
    yield key
    if default_storage.exists(key):
        default_storage.delete(key)


@pytest.fixture
def dora(stored_file):
    receipt = Attachment("receipt.txt", "text/plain", 16, storage_key=stored_file)
    result = ingest(
        email_message(
            sender="Dora <dora@example.org>", text="Where is my refund?", attachments=(receipt,)
        )
    )
    return result.customer_id


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("officer", password="pw-officer-123")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["erase_customer", "export_customer"])
    )
    return user


def client_for(user, scopes: str = "read,write,privacy") -> APIClient:
    token = ApiToken(name="privacy script", user=user, scopes=scopes)
    key = token.issue()
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def unzip(body: bytes) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("customer.json")), files


def test_the_export_holds_the_profile_transcript_events_and_files(dora, officer, stored_file):
    response = client_for(officer).get(f"/api/v1/customers/{dora}/export/")

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    doc, files = unzip(response.content)
    assert doc["customer"]["email"] == "dora@example.org"
    assert [i["address"] for i in doc["identities"]] == ["dora@example.org"]
    (interaction,) = doc["interactions"]
    assert interaction["transcript"][0]["text"] == "Where is my refund?"
    assert {e["type"] for e in doc["events"]} >= {"CustomerRegistered", "MessageReceived"}
    assert files == {f"attachments/{stored_file}": b"receipt for Dora"}
    assert CustomerAccess.objects.filter(customer_id=dora, action="exported", via="api").exists()


def test_export_and_erasure_need_their_permissions(dora, django_user_model):
    agent = django_user_model.objects.create_user("plain", password="pw-plain-12345")
    client = client_for(agent)
    assert client.get(f"/api/v1/customers/{dora}/export/").status_code == 403
    assert client.post(f"/api/v1/customers/{dora}/erase/").status_code == 403
    assert Customer.objects.get(pk=dora).email == "dora@example.org"


def test_a_token_without_the_privacy_scope_may_not_export_or_erase(dora, officer):
    client = client_for(officer, scopes="read,write")
    assert client.get(f"/api/v1/customers/{dora}/export/").status_code == 403
    assert client.post(f"/api/v1/customers/{dora}/erase/").status_code == 403


def test_erasure_by_the_api_then_the_export_reads_erased(
    dora, officer, stored_file, django_capture_on_commit_callbacks
):
    client = client_for(officer)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure commits
        response = client.post(f"/api/v1/customers/{dora}/erase/")

    assert response.status_code == 200 and response.json() == {"erased": [dora]}
    assert not default_storage.exists(stored_file)
    doc, files = unzip(client.get(f"/api/v1/customers/{dora}/export/").content)
    assert "dora@example.org" not in json.dumps(doc) and "Where is my refund" not in json.dumps(doc)
    assert doc["interactions"][0]["transcript"][0]["text"] == "erased"
    assert files == {}
    assert client.post(f"/api/v1/customers/{dora}/erase/").status_code == 409
    assert client.post("/api/v1/customers/nobody/erase/").status_code == 404


def test_the_admin_asks_then_erases_and_audits(admin_client, dora):
    url = "/admin/crm/customer/"
    form = {"action": "erase_customers", "_selected_action": [dora]}

    asked = admin_client.post(url, form)
    assert asked.status_code == 200 and b"Yes, erase them" in asked.content
    assert Customer.objects.get(pk=dora).email == "dora@example.org"

    admin_client.post(url, {**form, "confirmed": "yes"})
    assert Customer.objects.get(pk=dora).email == "erased"
    assert CustomerAccess.objects.filter(customer_id=dora, action="erased", via="admin").exists()


def test_viewing_a_customer_in_admin_is_on_the_audit_page(admin_client):
    customer_id = ingest(chat_message(text="hi")).customer_id

    assert admin_client.get(f"/admin/crm/customer/{customer_id}/change/").status_code == 200
    page = admin_client.get("/admin/privacy/customeraccess/")

    assert page.status_code == 200 and customer_id.encode() in page.content
    assert CustomerAccess.objects.get(customer_id=customer_id).action == "viewed"


def test_the_admin_exports_one_customer(admin_client, dora):
    response = admin_client.post(
        "/admin/crm/customer/", {"action": "export_customer", "_selected_action": [dora]}
    )
    doc, _ = unzip(response.content)
    assert doc["customer"]["id"] == dora
