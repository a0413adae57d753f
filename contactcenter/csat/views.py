"""The page a survey mail's rating link opens (/csat/<token>/). The signed token is the
customer's credential, checked first; the GET only shows the chosen rating with a comment box
and one button, and the POST records it, so a mail scanner that fetches every link rates
nothing (docs/channels.md)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from contactcenter.csat import links, ratings
from contactcenter.interactions.domain import DomainError

COMMENT_MAX_CHARS = 2000
WORDS = {1: "Very poor", 2: "Poor", 3: "OK", 4: "Good", 5: "Great"}


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        interaction_id, rating = links.read(token)
    except links.BadLink as bad:
        return _page(request, {"error": str(bad)}, status=bad.status)
    if request.method == "POST":
        rating = _chosen(request.POST.get("rating"), rating)
        if rating is None:
            return _page(request, {"error": "A rating is a number from 1 to 5."}, status=400)
        comment = request.POST.get("comment", "")
        if len(comment) > COMMENT_MAX_CHARS:
            error = f"A comment is at most {COMMENT_MAX_CHARS} characters."
            return _page(request, {"error": error}, status=400)
        try:
            ratings.record(interaction_id, rating, comment, channel="email")
        except DomainError as refused:
            return _page(request, {"error": f"{refused}."}, status=409)
        return _page(request, {"rated": rating, "word": WORDS[rating]})
    return _page(request, {"rating": rating, "words": WORDS})


def _chosen(value: str | None, linked: int) -> int | None:
    """The rating the form sends (the customer may change their mind on the page)."""
    if value is None:
        return linked
    return int(value) if value in ("1", "2", "3", "4", "5") else None


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "csat/rate.html", context, status=status)
