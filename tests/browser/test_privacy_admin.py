"""In Chromium: an administrator signs in with a password and a TOTP code (enrolling on the
way), then erases a customer from the admin's customer list after its confirmation page."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from crm.models import Customer
from tests.browser.conftest import serve
from tests.factories import chat_message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "pw-for-privacy-tests"


@pytest.fixture
def strict_platform(transactional_db):
    yield from serve(STAFF_TWO_FACTOR="1")


def test_an_admin_enrols_a_second_factor_then_erases_a_customer(
    browser, strict_platform, django_user_model
):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    customer_id = ingest(chat_message(sender_name="Erin Erasable", text="hello")).customer_id
    page = browser.new_context().new_page()

    page.goto(f"{strict_platform}/admin/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    secret = page.locator("#totp-secret").inner_text(timeout=15000)
    code = totp(base64.b32decode(secret))
    page.fill("#totp-token", f"{code:06d}")
    page.click("button[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{strict_platform}/admin/crm/customer/")
    page.locator(f"input[name=_selected_action][value='{customer_id}']").check()
    page.select_option("select[name=action]", "erase_customers")
    page.click("button[name=index]")
    expect(page.locator("h1")).to_have_text("Erase these customers?")
    page.click("#confirm-erasure")
    expect(page.locator(".messagelist")).to_contain_text(f"Erased {customer_id}")

    assert Customer.objects.get(pk=customer_id).name == "erased"
