"""How a sender's address on each channel becomes one normalised identity. Pure functions."""

from dataclasses import dataclass
from email.utils import parseaddr
from enum import StrEnum

import phonenumbers


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    SLACK = "slack"
    WEB = "web"


class InvalidIdentity(ValueError):
    pass


@dataclass(frozen=True)
class Identity:
    kind: IdentityKind
    address: str  # normalised
    display_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.address}"


def normalise(kind: str, raw: str, *, display_name: str = "", region: str = "US") -> Identity:
    """The canonical identity for `raw` on `kind`, or InvalidIdentity saying what is wrong."""
    try:
        kind = IdentityKind(kind)
    except ValueError:
        raise InvalidIdentity(f"unknown identity kind {kind!r}") from None
    raw = (raw or "").strip()
    if not raw:
        raise InvalidIdentity(f"an empty {kind} address")
    match kind:
        case IdentityKind.EMAIL:
            name, address = parseaddr(raw)
            address = address.strip().lower()
            local, at, domain = address.partition("@")
            if not (local and at and domain and "." in domain.strip(".")):
                raise InvalidIdentity(f"{raw!r} is not an e-mail address")
            return Identity(kind, address, display_name or name)
        case IdentityKind.PHONE:
            return Identity(kind, e164(raw, region), display_name)
        case IdentityKind.SLACK:
            team, sep, user = raw.upper().partition(":")
            if not (sep and team and user):
                raise InvalidIdentity(f"{raw!r} is not a Slack TEAM:USER pair")
            return Identity(kind, f"{team}:{user}", display_name)
        case IdentityKind.WEB:
            if len(raw) > 100:
                raise InvalidIdentity("a visitor id longer than 100 characters")
            return Identity(kind, raw, display_name)


def e164(raw: str, region: str = "US") -> str:
    """`raw` as an E.164 number (+15005550006), or InvalidIdentity."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentity(f"{raw!r} is not a phone number: {error}") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidIdentity(f"{raw!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
