"""The contact's time zone from their address where the number does not decide it: a South
Dakota 605 number is Mountain or Central by phonenumbers' data, a toll-free 800 number any US
zone. The imported row's address (country, state, postcode, city) decides; the calling window
then holds in that zone."""

from datetime import UTC, datetime, time

import pytest
import tablib

from outbound import dialer
from outbound.address_zone import Address, zone_of
from outbound.importing import CampaignContactResource, zone_for
from outbound.models import CampaignContact

CENTRAL, MOUNTAIN, PACIFIC = "America/Chicago", "America/Denver", "America/Los_Angeles"


@pytest.mark.parametrize(
    ("address", "zone"),
    [
        (Address(state="SD", city="Sioux Falls"), CENTRAL),
        (Address(postcode="57701"), MOUNTAIN),  # Rapid City: the ZIP names the state and side
        (Address(state="Florida", postcode="32501", city="Pensacola"), CENTRAL),
        (Address(state="FL", postcode="32301"), "America/New_York"),  # Tallahassee
        (Address(state="TX", postcode="79901-1234"), MOUNTAIN),  # El Paso
        (Address(state="Tennessee", postcode="37902"), "America/New_York"),  # Knoxville
        (Address(state="ID", postcode="83814"), PACIFIC),  # Coeur d'Alene
        (Address(state="Idaho"), "America/Boise"),
        (Address(state="KS", city="Goodland"), MOUNTAIN),
        (Address(state="MI", city="Iron Mountain"), "America/Menominee"),
        (Address(country="Canada", state="ON", city="Kenora"), "America/Winnipeg"),
        (Address(country="CA", postcode="T2P 1J9"), "America/Edmonton"),  # Calgary
        (Address(country="AU", postcode="0800"), "Australia/Darwin"),
        (Address(country="Australia", state="NSW", city="Broken Hill"), "Australia/Broken_Hill"),
        (Address(country="Germany"), "Europe/Berlin"),  # Berlin and Büsingen keep one clock
        (Address(country="DE", city="Munich"), "Europe/Berlin"),
    ],
)
def test_the_address_decides_the_zone(address, zone):
    assert zone_of(address, "US") == zone


@pytest.mark.parametrize(
    "address",
    [
        Address(country="Spain"),  # the Canaries keep another clock
        Address(country="Mexico", city="Tijuana"),  # no table of Mexico's states here
        Address(country="Atlantis"),
        Address(state="Nowhere"),  # a US state we do not know
    ],
)
def test_an_address_that_does_not_decide_says_so(address):
    assert zone_of(address, "US") is None


def test_the_number_decides_when_it_can_and_the_address_when_it_cannot():
    in_new_york = Address(state="NY", postcode="10001")
    assert zone_for("+14155550100", address=in_new_york) == PACIFIC  # 415: one zone
    assert zone_for("+16055550100") == MOUNTAIN  # 605 lists two: the first, as before
    assert zone_for("+16055550100", address=Address(city="Sioux Falls", state="SD")) == CENTRAL
    assert zone_for("+18005550100", address=in_new_york) == "America/New_York"  # toll-free
    assert zone_for("+16055550100", "America/Chicago", Address(postcode="57701")) == CENTRAL


@pytest.mark.django_db(transaction=True)
def test_an_imported_list_calls_each_contact_in_the_window_of_where_they_live(campaign):
    dataset = tablib.Dataset().load(
        "phone,name,city,state,zip\n"
        "605 555 0100,Sioux Falls Sam,Sioux Falls,SD,57104\n"
        "605 555 0101,Rapid City Rae,Rapid City,SD,57701\n"
        "800 555 0102,Toll-free Tom,Boise,ID,83702\n",
        format="csv",
    )
    result = CampaignContactResource(campaign=campaign).import_data(dataset, raise_errors=False)
    assert not result.has_errors(), result.row_errors()
    zones = dict(CampaignContact.objects.values_list("name", "time_zone"))
    assert zones == {
        "Sioux Falls Sam": CENTRAL,
        "Rapid City Rae": MOUNTAIN,
        "Toll-free Tom": "America/Boise",
    }
    sam = CampaignContact.objects.get(name="Sioux Falls Sam")
    assert sam.data == {"city": "Sioux Falls", "state": "SD", "zip": "57104"}  # for the agent

    campaign.window_start, campaign.window_end = time(8, 0), time(21, 0)
    campaign.save()
    # A Monday, 8:30 in Sioux Falls, 7:30 in Rapid City and Boise.
    now = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    chosen, passed_over = dialer.pick_contacts(campaign, now, 3)
    assert [c.name for c in chosen] == ["Sioux Falls Sam"]
    assert passed_over == {"outside the calling window": 2}
