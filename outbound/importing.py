"""Contact lists from CSV or XLSX (django-import-export), and uploaded do-not-call lists.

Each row's number is normalised to E.164 (phonenumbers; national numbers read in the
campaign's default region), the person is merged into the customer who already has that
number or e-mail address (or registered as a new one: crm/customers.py, so it is an event),
and the time zone comes from the number (phonenumbers' geocoding of the area code), unless
the row names one. A number spanning several zones (a toll-free or mobile +1 number, an area
code across a zone line) takes the zone of the row's address (`country`, `state`, `postcode`,
`city`: outbound/address_zone.py), else the first phonenumbers lists; a `time_zone` column
overrides both.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from import_export import fields, resources
from phonenumbers import timezone as number_zones

from crm import customers
from crm.identities import InvalidIdentity, normalise
from outbound.address_zone import Address, zone_of
from outbound.models import Campaign, CampaignContact, DoNotCallList, DoNotCallNumber

KNOWN = {"phone", "name", "email", "time_zone", "id"}


class ImportRefused(ValueError):
    pass


def e164(raw: str, region: str = "US") -> str:
    try:
        return normalise("phone", str(raw), region=region).address
    except InvalidIdentity as error:
        raise ImportRefused(f"{raw!r} is not a phone number: {error}") from None


def zone_for(number: str, given: str = "", address: Address | None = None) -> str:
    """The contact's IANA time zone: the row's own; the number's when it has one; the
    address's when the number spans several (or none); else the number's first."""
    if given:
        try:
            ZoneInfo(given)
        except (ZoneInfoNotFoundError, ValueError):
            raise ImportRefused(f"{given!r} is not a time zone") from None
        return given
    parsed = phonenumbers.parse(number)
    zones = [z for z in number_zones.time_zones_for_number(parsed) if "/" in z]
    zones = [z for z in zones if z != "Etc/Unknown"]
    if len(zones) == 1:
        return zones[0]
    lives_in = None
    if address is not None and address.given:
        lives_in = zone_of(address, phonenumbers.region_code_for_number(parsed) or "")
    if lives_in:
        return lives_in
    if not zones:
        raise ImportRefused(
            f"no time zone is known for {number}: add a time_zone column or the address"
        )
    return zones[0]


def address_of(row) -> Address:
    """The row's address columns (any of them; other spellings of the postcode too)."""

    def column(*names: str) -> str:
        return next((str(row[n]).strip() for n in names if row.get(n) not in (None, "")), "")

    return Address(
        country=column("country"),
        state=column("state", "province", "region"),
        postcode=column("postcode", "zip", "zip_code", "postal_code"),
        city=column("city", "town"),
    )


class CampaignContactResource(resources.ModelResource):
    phone = fields.Field(attribute="phone", column_name="phone")
    name = fields.Field(attribute="name", column_name="name")

    class Meta:
        model = CampaignContact
        fields = ("phone", "name")
        import_id_fields = ("phone",)
        skip_unchanged = True
        report_skipped = True

    def __init__(self, campaign: Campaign | None = None, region: str = "US", **kwargs):
        super().__init__(**kwargs)
        self.campaign = campaign
        self.region = region

    def get_queryset(self):
        return CampaignContact.objects.filter(campaign=self.campaign)

    def before_import(self, dataset, **kwargs):
        if self.campaign is None:
            raise ImportRefused("choose the campaign the list is for")
        headers = [h.strip().lower() for h in dataset.headers or []]
        if "phone" not in headers:
            raise ImportRefused("the file needs a 'phone' column")
        dataset.headers = headers

    def before_import_row(self, row, **kwargs):
        row["phone"] = e164(row.get("phone") or "", self.region)
        given = (row.get("time_zone") or "").strip()
        row["time_zone"] = zone_for(row["phone"], given, address_of(row))

    def before_save_instance(self, instance, row, **kwargs):
        instance.campaign = self.campaign
        instance.time_zone = row["time_zone"]
        instance.data = {
            k: str(v) for k, v in row.items() if k not in KNOWN and v not in (None, "")
        }
        instance.customer_id = self._customer(row)

    def _customer(self, row) -> str:
        """Merge into the customer who has this number or e-mail; register one if none."""
        phone = normalise("phone", row["phone"])
        name = (row.get("name") or "").strip()
        by_phone = customers.find(phone)
        email = None
        if row.get("email"):
            try:
                email = normalise("email", str(row["email"]))
            except InvalidIdentity as error:
                raise ImportRefused(f"{row['email']!r}: {error}") from None
        by_email = customers.find(email) if email else None
        if by_phone and by_email and by_phone != by_email:
            customers.merge(by_phone, by_email)  # one person: the number's record folds in
            return by_email
        customer_id = by_phone or by_email
        if customer_id is None:
            customer_id, _ = customers.identify(phone, name=name)
        elif not by_phone:
            customers.add_identity(customer_id, phone)
        if email and not by_email:
            customers.add_identity(customer_id, email)
        return customer_id


class DoNotCallResource(resources.ModelResource):
    """An uploaded do-not-call list: one `phone` column (and an optional `reason`)."""

    class Meta:
        model = DoNotCallNumber
        fields = ("phone", "reason")
        import_id_fields = ("phone",)
        skip_unchanged = True

    def __init__(self, dnc_list: DoNotCallList | None = None, region: str = "US", **kwargs):
        super().__init__(**kwargs)
        self.dnc_list = dnc_list
        self.region = region

    def get_queryset(self):
        return DoNotCallNumber.objects.filter(list=self.dnc_list)

    def before_import(self, dataset, **kwargs):
        if self.dnc_list is None:
            raise ImportRefused("choose the do-not-call list")
        dataset.headers = [h.strip().lower() for h in dataset.headers or []]

    def before_import_row(self, row, **kwargs):
        row["phone"] = e164(row.get("phone") or "", self.region)

    def before_save_instance(self, instance, row, **kwargs):
        instance.list = self.dnc_list
