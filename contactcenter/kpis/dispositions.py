"""The disposition mix: how the conversations that ended in a range were wrapped up, per queue
or per channel, as counts and shares of each group's wrapped-up conversations.

A disposition is a label an agent picks, not a counter, so this reads the interactions'
inline projection (one row per interaction, its latest wrap-up) rather than the interval
facts: a conversation reopened and wrapped up again counts once, with its latest disposition,
in the range its latest end falls in (docs/kpis.md).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count

from contactcenter.interactions.models import Interaction
from routing.models import Disposition, Queue, channel_choices

GROUPS = {"queue": "Queue", "channel": "Channel"}
NO_QUEUE = "(no queue)"


class BadGrouping(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    group: str  # the queue's name or the channel's label
    disposition: str  # the disposition's label (its code when no longer defined)
    conversations: int
    share: float  # of the group's wrapped-up conversations, 0..1


@dataclass
class Mix:
    by: str
    lines: list[Line] = field(default_factory=list)
    totals: list[Line] = field(default_factory=list)  # every group together

    @property
    def group_label(self) -> str:
        return GROUPS[self.by]

    def chart(self) -> dict:
        """Conversations per disposition (a dataset each) for every group: a bar chart."""
        groups = sorted({line.group for line in self.lines})
        kinds = [line.disposition for line in self.totals]
        counts = {(line.group, line.disposition): line.conversations for line in self.lines}
        return {
            "type": "bar",
            "labels": groups,
            "volumes": [
                {"label": kind, "data": [counts.get((group, kind), 0) for group in groups]}
                for kind in kinds
            ],
            "rates": [],
            "times": [],
        }


def mix(start: datetime, end: datetime, by: str = "queue") -> Mix:
    if by not in GROUPS:
        raise BadGrouping(f"group by one of {', '.join(GROUPS)}")
    column = "queue_id" if by == "queue" else "channel"
    rows = (
        Interaction.objects.filter(ended_at__gte=start, ended_at__lt=end)
        .exclude(disposition="")
        .values(column, "disposition")
        .annotate(conversations=Count("pk"))
        .order_by()
    )
    titles = dict(Disposition.objects.values_list("code", "label"))
    names = _group_names(by)
    per_group: dict[str, dict[str, int]] = {}
    overall: dict[str, int] = {}
    for row in rows:
        group = names.get(row[column], str(row[column])) if row[column] is not None else NO_QUEUE
        kind = titles.get(row["disposition"], row["disposition"])
        tally = per_group.setdefault(group, {})
        tally[kind] = tally.get(kind, 0) + row["conversations"]
        overall[kind] = overall.get(kind, 0) + row["conversations"]
    result = Mix(by=by, totals=_lines("All", overall))
    for group in sorted(per_group, key=str.lower):
        result.lines += _lines(group, per_group[group])
    return result


def _lines(group: str, tally: dict[str, int]) -> list[Line]:
    whole = sum(tally.values())
    ordered = sorted(tally.items(), key=lambda item: (-item[1], item[0].lower()))
    return [Line(group, kind, n, n / whole) for kind, n in ordered]


def _group_names(by: str) -> dict:
    if by == "queue":
        return dict(Queue.objects.values_list("pk", "name"))
    return dict(channel_choices())
