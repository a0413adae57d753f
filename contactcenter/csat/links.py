"""Signed rating links (a survey mail's "1 2 3 4 5"): each names the interaction, the rating
and when it was issued, signed with SECRET_KEY, good for the survey window. The link is the
customer's only credential, so nothing else about them is needed to rate; a changed, cut or
old link is refused with a page that says which."""

from django.conf import settings
from django.core import signing

from contactcenter import clock
from contactcenter.csat import settings as csat

SALT = "contactcenter.csat.rating-link"


class BadLink(ValueError):
    """A token that is not ours, or was changed (400), or is too old (410)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def token(interaction_id: str, rating: int) -> str:
    # Issued at the platform's clock (not signing's time.time()), like every other age here.
    issued = int(clock.now().timestamp())
    return signing.dumps({"i": interaction_id, "r": rating, "t": issued}, salt=SALT)


def url(interaction_id: str, rating: int) -> str:
    return f"{settings.PUBLIC_URL.rstrip('/')}/csat/{token(interaction_id, rating)}/"


def read(value: str) -> tuple[str, int]:
    """(interaction id, rating) of a token, or BadLink."""
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        raise BadLink("This rating link is not valid (it may have been cut short).", 400) from None
    if not isinstance(data, dict):
        raise BadLink("This rating link is not valid.", 400)
    interaction_id, rating, issued = data.get("i"), data.get("r"), data.get("t")
    if not isinstance(interaction_id, str) or rating not in (1, 2, 3, 4, 5):
        raise BadLink("This rating link is not valid.", 400)
    if (
        not isinstance(issued, int)
        or clock.now().timestamp() - issued > csat.window().total_seconds()
    ):
        raise BadLink("This rating link has expired.", 410)
    return interaction_id, rating
