"""A contact's time zone from their address, for when the number does not decide it: a +1
toll-free or mobile number, or an area code that straddles a zone line (850 in Florida, 931 in
Tennessee) lists several zones. Calling windows hold in the contact's local time, so the
address is the better witness of where the person is.

Pure: tables and tzdata's own country list (zone.tab, beside the zone files), no Django. What
it knows, finest first:
- a city that keeps another zone than its state (Kenora, Ontario; Goodland, Kansas);
- a US ZIP code's first three digits (the sectional centre) where a state straddles a line
  (Pensacola 325 in Florida is Central, El Paso 799 in Texas Mountain), and the state of a ZIP
  given without one; a Canadian postal code's first letter for its province; an Australian
  postcode for its state;
- a US state, Canadian province or Australian state (code or name);
- a country whose zones keep one clock (tzdata's zone.tab): Germany, Japan, France …
Anything else is None: then the number's first zone, or the list's `time_zone` column.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

US, CANADA, AUSTRALIA = "US", "CA", "AU"


@dataclass(frozen=True)
class Address:
    country: str = ""  # ISO code (US) or name (United States); empty: the number's country
    state: str = ""  # state, province or territory: code (TX) or name (Texas)
    postcode: str = ""
    city: str = ""

    @property
    def given(self) -> bool:
        return any((self.country, self.state, self.postcode, self.city))


EASTERN, CENTRAL, MOUNTAIN = "America/New_York", "America/Chicago", "America/Denver"
PACIFIC, ARIZONA = "America/Los_Angeles", "America/Phoenix"

US_STATES = {
    "AL": ("Alabama", CENTRAL),
    "AK": ("Alaska", "America/Anchorage"),
    "AZ": ("Arizona", ARIZONA),
    "AR": ("Arkansas", CENTRAL),
    "CA": ("California", PACIFIC),
    "CO": ("Colorado", MOUNTAIN),
    "CT": ("Connecticut", EASTERN),
    "DE": ("Delaware", EASTERN),
    "DC": ("District of Columbia", EASTERN),
    "FL": ("Florida", EASTERN),
    "GA": ("Georgia", EASTERN),
    "HI": ("Hawaii", "Pacific/Honolulu"),
    "ID": ("Idaho", "America/Boise"),
    "IL": ("Illinois", CENTRAL),
    "IN": ("Indiana", "America/Indiana/Indianapolis"),
    "IA": ("Iowa", CENTRAL),
    "KS": ("Kansas", CENTRAL),
    "KY": ("Kentucky", EASTERN),
    "LA": ("Louisiana", CENTRAL),
    "ME": ("Maine", EASTERN),
    "MD": ("Maryland", EASTERN),
    "MA": ("Massachusetts", EASTERN),
    "MI": ("Michigan", "America/Detroit"),
    "MN": ("Minnesota", CENTRAL),
    "MS": ("Mississippi", CENTRAL),
    "MO": ("Missouri", CENTRAL),
    "MT": ("Montana", MOUNTAIN),
    "NE": ("Nebraska", CENTRAL),
    "NV": ("Nevada", PACIFIC),
    "NH": ("New Hampshire", EASTERN),
    "NJ": ("New Jersey", EASTERN),
    "NM": ("New Mexico", MOUNTAIN),
    "NY": ("New York", EASTERN),
    "NC": ("North Carolina", EASTERN),
    "ND": ("North Dakota", CENTRAL),
    "OH": ("Ohio", EASTERN),
    "OK": ("Oklahoma", CENTRAL),
    "OR": ("Oregon", PACIFIC),
    "PA": ("Pennsylvania", EASTERN),
    "RI": ("Rhode Island", EASTERN),
    "SC": ("South Carolina", EASTERN),
    "SD": ("South Dakota", CENTRAL),
    "TN": ("Tennessee", CENTRAL),
    "TX": ("Texas", CENTRAL),
    "UT": ("Utah", MOUNTAIN),
    "VT": ("Vermont", EASTERN),
    "VA": ("Virginia", EASTERN),
    "WA": ("Washington", PACIFIC),
    "WV": ("West Virginia", EASTERN),
    "WI": ("Wisconsin", CENTRAL),
    "WY": ("Wyoming", MOUNTAIN),
    "PR": ("Puerto Rico", "America/Puerto_Rico"),
    "VI": ("Virgin Islands", "America/St_Thomas"),
    "GU": ("Guam", "Pacific/Guam"),
    "AS": ("American Samoa", "Pacific/Pago_Pago"),
    "MP": ("Northern Mariana Islands", "Pacific/Saipan"),
}

# The state of a ZIP code's first three digits: (first, last, state), in order.
ZIP3_STATES = (
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"),
    (30, 38, "NH"), (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"), (56, 59, "VT"),
    (60, 69, "CT"), (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"),
    (200, 200, "DC"), (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"),
    (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 339, "FL"),
    (341, 349, "FL"), (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"),
    (400, 427, "KY"), (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"),
    (530, 549, "WI"), (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"), (580, 588, "ND"),
    (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"),
    (700, 715, "LA"), (716, 729, "AR"), (730, 732, "OK"), (733, 733, "TX"), (734, 749, "OK"),
    (750, 799, "TX"), (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"),
    (850, 865, "AZ"), (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"),
    (967, 968, "HI"), (969, 969, "GU"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
)  # fmt: skip

# Sectional centres on the other side of their state's zone line.
ZIP3_ZONES = {
    **dict.fromkeys((324, 325), CENTRAL),  # Florida's panhandle west of the Apalachicola
    **dict.fromkeys((373, 374, 376, 377, 378, 379), EASTERN),  # East Tennessee
    **dict.fromkeys((420, 421, 422, 423, 424), CENTRAL),  # Western Kentucky
    **dict.fromkeys((463, 464, 476, 477), CENTRAL),  # Gary and Evansville, Indiana
    586: MOUNTAIN,  # Dickinson, south-west North Dakota
    577: MOUNTAIN,  # Rapid City, West River South Dakota
    693: MOUNTAIN,  # the Nebraska Panhandle
    **dict.fromkeys((835, 838), PACIFIC),  # the Idaho Panhandle
    **dict.fromkeys((798, 799, 885), MOUNTAIN),  # El Paso and Hudspeth, Texas
}

CANADA_PROVINCES = {
    "AB": ("Alberta", "America/Edmonton"),
    "BC": ("British Columbia", "America/Vancouver"),
    "MB": ("Manitoba", "America/Winnipeg"),
    "NB": ("New Brunswick", "America/Moncton"),
    "NL": ("Newfoundland and Labrador", "America/St_Johns"),
    "NS": ("Nova Scotia", "America/Halifax"),
    "NT": ("Northwest Territories", "America/Edmonton"),
    "NU": ("Nunavut", "America/Iqaluit"),
    "ON": ("Ontario", "America/Toronto"),
    "PE": ("Prince Edward Island", "America/Halifax"),
    "QC": ("Quebec", "America/Toronto"),
    "SK": ("Saskatchewan", "America/Regina"),
    "YT": ("Yukon", "America/Whitehorse"),
}
# A postal code's first letter: its province (X is both territories: not decided by it).
CANADA_POSTAL = {
    "A": "NL", "B": "NS", "C": "PE", "E": "NB", "G": "QC", "H": "QC", "J": "QC", "K": "ON",
    "L": "ON", "M": "ON", "N": "ON", "P": "ON", "R": "MB", "S": "SK", "T": "AB", "V": "BC",
    "Y": "YT",
}  # fmt: skip

AUSTRALIA_STATES = {
    "NSW": ("New South Wales", "Australia/Sydney"),
    "VIC": ("Victoria", "Australia/Melbourne"),
    "QLD": ("Queensland", "Australia/Brisbane"),
    "SA": ("South Australia", "Australia/Adelaide"),
    "WA": ("Western Australia", "Australia/Perth"),
    "TAS": ("Tasmania", "Australia/Hobart"),
    "NT": ("Northern Territory", "Australia/Darwin"),
    "ACT": ("Australian Capital Territory", "Australia/Sydney"),
}

# Cities that keep another zone than their state or province: (country, state) -> city -> zone.
CITIES = {
    (US, "MI"): dict.fromkeys(
        ("menominee", "iron mountain", "kingsford", "ironwood", "iron river", "crystal falls",
         "norway", "bessemer", "wakefield"),
        "America/Menominee",
    ),
    (US, "KS"): dict.fromkeys(("goodland", "sharon springs", "tribune", "syracuse"), MOUNTAIN),
    (US, "OR"): dict.fromkeys(("ontario", "nyssa", "vale", "jordan valley"), "America/Boise"),
    (US, "AK"): dict.fromkeys(("adak", "atka"), "America/Adak"),
    (CANADA, "ON"): dict.fromkeys(
        ("kenora", "dryden", "fort frances", "sioux lookout", "red lake"), "America/Winnipeg"
    ),
    (CANADA, "BC"): {
        **dict.fromkeys(("cranbrook", "fernie", "golden", "invermere", "sparwood"),
                        "America/Edmonton"),
        **dict.fromkeys(("dawson creek", "fort st. john", "fort st john"), "America/Dawson_Creek"),
        "fort nelson": "America/Fort_Nelson",
        "creston": "America/Creston",
    },
    (CANADA, "NL"): dict.fromkeys(
        ("happy valley-goose bay", "goose bay", "labrador city", "wabush"), "America/Goose_Bay"
    ),
    (CANADA, "SK"): {"lloydminster": "America/Edmonton"},
    (AUSTRALIA, "NSW"): {"broken hill": "Australia/Broken_Hill"},
}  # fmt: skip

STATES = {US: US_STATES, CANADA: CANADA_PROVINCES, AUSTRALIA: AUSTRALIA_STATES}


def zone_of(address: Address, number_country: str = "") -> str | None:
    """The IANA zone of the address, or None when it does not decide one."""
    country = country_code(address.country) or number_country.upper()
    if not country:
        return None
    state = _state(country, address)
    zone = CITIES.get((country, state or ""), {}).get(_plain(address.city))
    if zone:
        return zone
    if country == US and (zone := _zip_zone(address.postcode, state)):
        return zone
    if state:
        return STATES[country][state][1]
    return one_clock(country_zones().get(country, ()))


def one_clock(zones: tuple[str, ...]) -> str | None:
    """The first zone, if all of them keep the same clock (Germany's Berlin and Büsingen: the
    same offsets in winter and summer); None if they differ (Spain's Canaries)."""
    if not zones:
        return None
    year = datetime.now(UTC).year
    instants = (datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC))

    def offsets(zone: str) -> tuple:
        return tuple(at.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() for at in instants)

    first = offsets(zones[0])
    return zones[0] if all(offsets(zone) == first for zone in zones[1:]) else None


def _plain(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _state(country: str, address: Address) -> str | None:
    """The state's code, from the state field (code or name), else from the postcode."""
    table = STATES.get(country)
    if table is None:
        return None
    named = _plain(address.state)
    for code, (name, _zone) in table.items():
        if named in (code.lower(), name.lower()):
            return code
    postcode = address.postcode.strip().upper()
    if not postcode:
        return None
    if country == US and (zip3 := _zip3(postcode)) is not None:
        return next((state for low, high, state in ZIP3_STATES if low <= zip3 <= high), None)
    if country == CANADA:
        return CANADA_POSTAL.get(postcode[0])
    if country == AUSTRALIA and postcode.isdigit() and len(postcode) == 4:
        return _australian_state(int(postcode))
    return None


def _zip3(postcode: str) -> int | None:
    digits = postcode.split("-")[0]
    return int(digits[:3]) if len(digits) == 5 and digits.isdigit() else None


def _zip_zone(postcode: str, state: str | None) -> str | None:
    zip3 = _zip3(postcode.strip())
    if zip3 is None or zip3 not in ZIP3_ZONES:
        return None
    states = {s for low, high, s in ZIP3_STATES if low <= zip3 <= high}
    return ZIP3_ZONES[zip3] if state is None or state in states else None


def _australian_state(code: int) -> str | None:
    if 800 <= code <= 999:
        return "NT"
    if 2600 <= code <= 2618 or 2900 <= code <= 2920:
        return "ACT"
    first = code // 1000
    return {1: "NSW", 2: "NSW", 3: "VIC", 4: "QLD", 5: "SA", 6: "WA", 7: "TAS"}.get(first)


def country_code(given: str) -> str:
    """ISO 3166 alpha-2 of a code or a name ("US", "usa", "United States", "Germany")."""
    plain = _plain(given)
    if not plain:
        return ""
    if len(plain) == 2 and plain.upper() in country_names():
        return plain.upper()
    aliases = {"usa": US, "united states of america": US, "uk": "GB", "united kingdom": "GB"}
    if plain in aliases:
        return aliases[plain]
    return next((code for code, name in country_names().items() if _plain(name) == plain), "")


def _tzdata_file(name: str) -> Path | None:
    for directory in zoneinfo.TZPATH:
        if (path := Path(directory) / name).is_file():
            return path
    return None


def _rows(name: str) -> list[list[str]]:
    path = _tzdata_file(name)
    if path is None:
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """tzdata's zone.tab: each country's zones."""
    zones: dict[str, list[str]] = {}
    for row in _rows("zone.tab"):
        zones.setdefault(row[0], []).append(row[2])
    return {country: tuple(found) for country, found in zones.items()}


@cache
def country_names() -> dict[str, str]:
    """tzdata's iso3166.tab: code -> name ("US" -> "United States")."""
    return {row[0]: row[1] for row in _rows("iso3166.tab")}
