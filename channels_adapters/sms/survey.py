"""The satisfaction survey by text: one numbered question when the conversation closes, and
a reply of nothing but 1 to 5 within the survey window taken as the answer (instead of
reopening the conversation, which any other reply does)."""

from typing import Any

from contactcenter.csat import ratings
from contactcenter.events import store

QUESTION = "How did we do? Reply with a number from 1 (poor) to 5 (great)."
THANKS = "Thank you for rating us."


def message(interaction_id: str) -> dict[str, Any]:
    return {"text": QUESTION}


def answer(phone_number: str, sender: str, sid: str, body: str) -> bool:
    """Record `body` as the rating of the survey waiting on this sender's thread, if it is
    one; True when it was (now or at an earlier delivery of the same message)."""
    rating = ratings.bare_rating(body)
    if rating is None:
        return False
    key = f"csat:twilio-sms:{phone_number}:{sid}"
    if store.find_key(key) is not None:
        return True  # Twilio delivered this reply again
    pending = ratings.pending_on_thread("sms", phone_number, sender)
    if pending is None:
        return False
    ratings.record(pending, rating, channel="sms", channel_key=phone_number, idempotency_key=key)
    return True
