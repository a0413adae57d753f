"""The signed visitor token: who a widget visitor is, for which channel, until when."""

import uuid
from dataclasses import dataclass

from django.core import signing

SALT = "webchat.visitor"
MAX_AGE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Visitor:
    channel_key: str
    visitor_id: str


class BadToken(Exception):
    pass


def issue(channel_key: str, visitor_id: str | None = None) -> tuple[str, Visitor]:
    visitor = Visitor(channel_key, visitor_id or str(uuid.uuid4()))
    token = signing.dumps(
        {"c": visitor.channel_key, "v": visitor.visitor_id}, salt=SALT, compress=True
    )
    return token, visitor


def renewed(channel_key: str, previous: str = "") -> tuple[str, Visitor, bool]:
    """A fresh token for the visitor `previous` names on this channel, or for a new visitor
    where it names none (missing, tampered with, expired, another channel's): the token, the
    visitor, and whether they are new. A widget renews its token each time it connects, so
    a visitor who comes back within MAX_AGE_SECONDS of their last visit stays who they were."""
    visitor_id = None
    if previous:
        try:
            known = verify(previous)
        except BadToken:
            pass  # an old or foreign token: start afresh
        else:
            if known.channel_key == channel_key:
                visitor_id = known.visitor_id
    token, visitor = issue(channel_key, visitor_id)
    return token, visitor, visitor_id is None


def verify(token: str) -> Visitor:
    """The visitor a token names, or BadToken if it was tampered with or has expired."""
    data = unsign(
        token,
        salt=SALT,
        max_age=MAX_AGE_SECONDS,
        expired="the visitor token has expired",
        invalid="the visitor token is not valid",
    )
    return Visitor(data["c"], data["v"])


def unsign(token: str, *, salt: str, max_age: int, expired: str, invalid: str) -> dict:
    """What the widget signed (a visitor token, a transcript link), or BadToken saying why
    not in the words given."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired) from None
    except signing.BadSignature:
        raise BadToken(invalid) from None


def web_visitor(token: str) -> tuple[str, str]:
    """For a web call from the widget (channels_adapters.base): the visitor's web chat and id,
    checked as the chat socket checks them; base.UnknownVisitor saying why not."""
    from channels_adapters import base
    from channels_adapters.webchat.models import WebChatChannel

    try:
        visitor = verify(token)
    except BadToken as error:
        raise base.UnknownVisitor(str(error)) from None
    if not WebChatChannel.objects.filter(key=visitor.channel_key).exists():
        raise base.UnknownVisitor("the web chat channel no longer exists")
    return visitor.channel_key, visitor.visitor_id
