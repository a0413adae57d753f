"""The inbox's query string, checked: which view, which filters, which order. Pure."""

from dataclasses import dataclass
from datetime import date
from typing import Any

VIEWS = ("mine", "queues", "all", "closed")
SORTS = ("recent", "waiting", "sla")
STATES = ("queued", "offered", "active", "wrap_up", "closed", "abandoned", "self_service")


class InvalidFilter(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    view: str = "mine"
    channel: str = ""
    queue_id: int | None = None
    status: str = ""
    label: str = ""  # on the conversation or on its customer
    since: date | None = None
    until: date | None = None
    sort: str = "recent"


def parse(query: Any) -> Filters:
    """From a QueryDict (or any mapping of strings)."""
    view = query.get("view") or "mine"
    if view not in VIEWS:
        raise InvalidFilter(f"view is one of {', '.join(VIEWS)}")
    sort = query.get("sort") or "recent"
    if sort not in SORTS:
        raise InvalidFilter(f"sort is one of {', '.join(SORTS)}")
    status = query.get("status") or ""
    if status and status not in STATES:
        raise InvalidFilter(f"status is one of {', '.join(STATES)}")
    return Filters(
        view=view,
        channel=(query.get("channel") or "")[:20],
        queue_id=_int("queue", query.get("queue")),
        status=status,
        label=(query.get("label") or "")[:50],
        since=_date("since", query.get("since")),
        until=_date("until", query.get("until")),
        sort=sort,
    )


def _int(name: str, value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidFilter(f"{name} is a number") from None


def _date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidFilter(f"{name} is a date (YYYY-MM-DD)") from None
