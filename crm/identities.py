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


# Kinds a channel adapter brings (a page-scoped id on a messaging platform): opaque addresses,
# kept as given. Registered from the adapter's AppConfig.ready().
_channel_kinds: set[str] = set()
MAX_OPAQUE = 100


def register_kind(kind: str) -> None:
    if len(kind) > 10:
        raise ValueError(f"identity kind {kind!r} is longer than 10 characters")
    _channel_kinds.add(kind)


def kinds() -> list[str]:
    return [k.value for k in IdentityKind] + sorted(_channel_kinds)


@dataclass(frozen=True)
class Identity:
    kind: IdentityKind | str  # a channel's own kind is a plain string
    address: str  # normalised
    display_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.address}"


def normalise(kind: str, raw: str, *, display_name: str = "", region: str = "US") -> Identity:
    """The canonical identity for `raw` on `kind`, or InvalidIdentity saying what is wrong."""
    if kind in _channel_kinds:
        address = (raw or "").strip()
        if not address or len(address) > MAX_OPAQUE or any(c.isspace() for c in address):
            raise InvalidIdentity(f"{raw!r} is not a {kind} id")
        return Identity(kind, address, display_name)
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
