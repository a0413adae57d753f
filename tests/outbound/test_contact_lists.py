"""Contact lists from CSV and XLSX: E.164, merged into existing customers, time zone from the
number; uploaded do-not-call lists; the admin's import page."""

import io

import openpyxl
import pytest
import tablib

from crm import customers
from crm.identities import normalise
from crm.models import ContactIdentity, Customer
from outbound.importing import CampaignContactResource, DoNotCallResource
from outbound.models import CampaignContact, DoNotCallList

pytestmark = pytest.mark.django_db(transaction=True)


def load(campaign, text: str, fmt: str = "csv"):
    dataset = tablib.Dataset().load(text, format=fmt)
    return CampaignContactResource(campaign=campaign).import_data(dataset, raise_errors=False)


def test_numbers_are_e164_and_zones_come_from_the_area_code(campaign):
    result = load(
        campaign,
        "Phone,Name,Plan\n(415) 555-0100,Ana,gold\n+1 212 555 0101,Ben,\n"
        "+44 20 7946 0958,Cleo,silver\n",
    )
    assert not result.has_errors(), result.row_errors()
    rows = {c.name: c for c in CampaignContact.objects.all()}
    assert rows["Ana"].phone == "+14155550100"
    assert rows["Ana"].time_zone == "America/Los_Angeles"
    assert rows["Ben"].time_zone == "America/New_York"
    assert rows["Cleo"].time_zone == "Europe/London"
    assert rows["Ana"].data == {"plan": "gold"}
    assert Customer.objects.get(pk=rows["Ana"].customer_id).name == "Ana"


def test_a_known_number_or_address_is_merged_into_the_existing_customer(campaign):
    known, _ = customers.identify(normalise("phone", "+14155550100"), name="Ana Known")
    by_mail, _ = customers.identify(normalise("email", "ben@example.com"), name="Ben")
    result = load(campaign, "phone,name,email\n4155550100,Ana,\n2125550101,Ben,ben@example.com\n")
    assert not result.has_errors(), result.row_errors()
    ana = CampaignContact.objects.get(phone="+14155550100")
    ben = CampaignContact.objects.get(phone="+12125550101")
    assert ana.customer_id == known
    assert ben.customer_id == by_mail
    assert ContactIdentity.objects.get(key="phone:+12125550101").customer_id == by_mail
    assert Customer.objects.count() == 2


def test_importing_the_same_list_twice_adds_nobody(campaign):
    load(campaign, "phone,name\n4155550100,Ana\n")
    load(campaign, "phone,name\n+1 415 555 0100,Ana\n")
    assert CampaignContact.objects.count() == 1


def test_a_bad_number_is_a_row_error_not_a_crash(campaign):
    result = load(campaign, "phone,name\nnot a number,Zed\n4155550100,Ana\n")
    assert result.has_errors()
    assert "not a phone number" in str(result.row_errors()[0][1][0].error)
    assert CampaignContact.objects.count() == 0  # the whole file or nothing


def test_xlsx_lists_load_too(campaign):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["phone", "name", "time_zone"])
    sheet.append(["+1 808 555 0100", "Hana", ""])
    sheet.append(["+1 415 555 0102", "Dev", "America/Chicago"])
    out = io.BytesIO()
    book.save(out)
    result = load(campaign, out.getvalue(), "xlsx")
    assert not result.has_errors(), result.row_errors()
    zones = dict(CampaignContact.objects.values_list("name", "time_zone"))
    assert zones == {"Hana": "Pacific/Honolulu", "Dev": "America/Chicago"}


def test_an_uploaded_do_not_call_list(db):
    dnc = DoNotCallList.objects.create(name="National registry 2026-11", source="upload")
    dataset = tablib.Dataset().load("phone,reason\n(415) 555-0100,registry\n", format="csv")
    result = DoNotCallResource(dnc_list=dnc).import_data(dataset, raise_errors=False)
    assert not result.has_errors()
    assert list(dnc.numbers.values_list("phone", flat=True)) == ["+14155550100"]


def test_the_admin_import_page_asks_for_the_campaign(admin_client, campaign):
    page = admin_client.get("/admin/outbound/campaigncontact/import/")
    assert page.status_code == 200
    assert b'name="campaign"' in page.content
    upload = io.BytesIO(b"phone,name\n4155550100,Ana\n")
    upload.name = "list.csv"
    answer = admin_client.post(
        "/admin/outbound/campaigncontact/import/",
        {"campaign": campaign.pk, "format": "0", "import_file": upload},
    )
    assert answer.status_code == 200
    assert b"confirm" in answer.content.lower()


def test_the_admin_import_runs_to_the_end(admin_client, campaign):
    import re

    upload = io.BytesIO(b"phone,name\n4155550100,Ana\n2125550101,Ben\n")
    upload.name = "list.csv"
    preview = admin_client.post(
        "/admin/outbound/campaigncontact/import/",
        {"campaign": campaign.pk, "format": "0", "import_file": upload},
    ).content.decode()
    form = preview[preview.index('action="/admin/outbound/campaigncontact/process_import/"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields |= dict(re.findall(r'name="(\w+)" value="([^"]*)"[^>]*type="hidden"', form))
    fields.pop("csrfmiddlewaretoken", None)
    fields["campaign"] = str(campaign.pk)
    done = admin_client.post("/admin/outbound/campaigncontact/process_import/", fields)
    assert done.status_code == 302, done.content.decode()[:500]
    assert set(campaign.contacts.values_list("name", flat=True)) == {"Ana", "Ben"}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/outbound/campaign/",
        "/admin/outbound/campaign/add/",
        "/admin/outbound/campaigncontact/",
        "/admin/outbound/donotcalllist/",
        "/admin/outbound/donotcallnumber/",
        "/admin/outbound/donotcallnumber/import/",
        "/admin/outbound/dialattempt/",
    ],
)
def test_the_admin_pages_load(admin_client, campaign, path):
    assert admin_client.get(path).status_code == 200
