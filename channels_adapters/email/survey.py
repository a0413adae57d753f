"""The satisfaction survey by mail: five signed links, one per rating (contactcenter/csat/
links.py). Each opens a page that records the rating only when the customer presses its
button: mail scanners and link previewers fetch every link in a message, and a GET that rated
would let a scanner choose the customer's rating for them."""

from html import escape
from typing import Any

from contactcenter.csat import links

SUBJECT = "How did we do?"
WORDS = {1: "Very poor", 2: "Poor", 3: "OK", 4: "Good", 5: "Great"}


def message(interaction_id: str) -> dict[str, Any]:
    urls = {rating: links.url(interaction_id, rating) for rating in WORDS}
    text = "How did we do? Choose a rating from 1 (very poor) to 5 (great):\n\n" + "\n".join(
        f"{rating} - {WORDS[rating]}: {urls[rating]}" for rating in WORDS
    )
    items = "".join(
        f'<li><a href="{escape(urls[rating])}">{rating} &ndash; {WORDS[rating]}</a></li>'
        for rating in WORDS
    )
    html = (
        "<p>How did we do? Choose a rating from 1 (very poor) to 5 (great):</p>"
        f"<ul>{items}</ul><p>Thank you for your time.</p>"
    )
    return {"subject": SUBJECT, "text": text, "html": html}
