"""A rating that came back on the customer's channel becomes the interaction's `CsatRated`.

Adapters call `pending_on_thread` to ask whether a customer's bare "4" answers a survey, and
`record` with the rating; a provider's redelivery (the same idempotency key) appends nothing.
"""

import re

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.csat import settings as csat
from contactcenter.events import store
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, Interaction
from contactcenter.interactions.models import ThreadKey

# "4", " 5 ", "5!", "3." — a reply that is nothing but the rating.
BARE_RATING = re.compile(r"\s*([1-5])\s*[.!]?\s*")


class NotRatable(DomainError):
    """The rating names an interaction of another channel, or one not asked (or no more)."""


def bare_rating(text: str) -> int | None:
    """The rating a reply is, when it is nothing but a digit from 1 to 5."""
    matched = BARE_RATING.fullmatch(text or "")
    return int(matched.group(1)) if matched else None


def _load(interaction_id: str) -> Interaction:
    return interactions.folded(interaction_id)


def pending_on_thread(channel: str, channel_key: str, threading_key: str) -> str | None:
    """The interaction on this thread whose survey waits for an answer, if one does."""
    key = ThreadKey.make(channel, channel_key, threading_key)
    row = ThreadKey.objects.filter(key=key).values_list("interaction_id", flat=True).first()
    if row is None:
        return None
    interaction = _load(row)
    return row if interaction.awaits_rating(clock.now(), csat.window()) else None


@command
def record(
    interaction_id: str,
    rating: int,
    comment: str = "",
    *,
    channel: str,
    channel_key: str | None = None,
    idempotency_key: str | None = None,
) -> bool:
    """The customer's rating from `channel` (and, where the adapter knows it, the configured
    channel it came through); False if this exact answer was recorded before."""
    if idempotency_key and store.find_key(idempotency_key):
        return False
    interaction = _load(interaction_id)
    if interaction.state is None or interaction.channel != channel:
        raise NotRatable(f"no {channel} conversation {interaction_id} to rate")
    if channel_key is not None and interaction.channel_key != channel_key:
        raise NotRatable(f"conversation {interaction_id} is not one of this {channel} channel")
    if interaction.surveyed_at is None:
        raise NotRatable("this conversation was not asked for a rating")
    if not interaction.rated and clock.now() - interaction.surveyed_at > csat.window():
        raise NotRatable("the time to rate this conversation has passed")
    with acting_as("customer"):
        interactions.decide_and_append(
            interaction_id,
            lambda i: i.rate(rating, comment),
            idempotency_key=idempotency_key,
        )
    return True
