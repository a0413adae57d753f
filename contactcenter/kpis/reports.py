"""The historical reports: which figures each shows, for which range, as rows and charts.

They read only the interval facts (contactcenter.kpis.figures), so a month costs the same
whatever the history. Views render a `Report` as a page or as CSV.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from contactcenter.kpis import figures
from contactcenter.kpis.figures import Figures
from routing.models import AgentProfile, Queue, channel_choices

KINDS = ("interval", "queue", "agent", "channel")
GRAINS = {"quarter": "15 minutes", "hour": "hour", "day": "day"}
LONGEST_RANGE_DAYS = 366


class BadRequest(ValueError):
    """The request asks for something a report cannot be: the message says what."""


@dataclass(frozen=True)
class Column:
    figure: str  # a Figures attribute
    label: str
    kind: str  # count, percent, seconds, hours, mean
    help: str = ""


C = Column
QUEUEING = [
    C("offered", "Offered", "count", "entered the queue"),
    C("answered", "Answered", "count"),
    C("abandoned", "Abandoned", "count"),
    C("abandoned_short", "Short abandons", "count", "abandoned within the short-abandon time"),
    C("service_level", "SL (answered)", "percent", "answered in threshold ÷ answered"),
    C("service_level_offered", "SL (offered)", "percent", "÷ (answered + abandoned)"),
    C("service_level_short_excluded", "SL (short abandons excluded)", "percent"),
    C("asa_seconds", "ASA", "seconds", "average speed of answer"),
    C("abandon_rate", "Abandon rate", "percent"),
]
HANDLING = [
    C("handled", "Inbound handled", "count", "handles of contacts the customer started"),
    C("aht_seconds", "Inbound AHT", "seconds", "conversation + wrap-up, per handle"),
    C("average_wrap_up_seconds", "Inbound avg wrap-up", "seconds"),
    C("transfer_rate", "Transfer rate", "percent", "inbound handles ended by a transfer"),
]
# Outbound contacts have no queue wait, so no service level, ASA or abandons: what was
# started, handled, and how long it took (campaign dialling is in the outbound report).
OUTBOUND = [
    C("outbound_started", "Outbound started", "count", "contacts an agent started"),
    C("outbound_handled", "Outbound handled", "count"),
    C("outbound_aht_seconds", "Outbound AHT", "seconds", "conversation + wrap-up, per handle"),
]
OUTCOMES = [
    C("first_response_seconds", "First response", "seconds", "email, SMS, Slack"),
    C("resolution_seconds", "Resolution time", "seconds", "email, SMS, Slack"),
    C("fcr", "FCR", "percent", "no repeat contact within the window (final intervals)"),
    C("csat", "CSAT", "percent", "ratings of 4 or 5"),
    C("csat_mean", "CSAT mean", "mean", "1 to 5"),
    C("csat_surveys", "Surveys", "count", "satisfaction surveys sent (text, mail, Slack, keypad)"),
    C("csat_response_rate", "Survey response", "percent", "surveys answered ÷ surveys sent"),
]
COST = [
    C("channel_units", "Channel units", "count", "SMS segments, call minutes, e-mails sent"),
    C("channel_cost", "Channel cost", "money", "units at the configured rate per unit"),
    C(
        "cost_per_contact",
        "Cost/contact",
        "money",
        "(handle hours at the agent rate + channel cost) ÷ handled",
    ),
]
AGENT_TIME = [
    C("offers", "Offers", "count"),
    C("offers_missed", "Missed offers", "count"),
    C("logged_in_hours", "Logged in", "hours"),
    C("occupancy", "Occupancy", "percent", "weighted by capacity in use"),
    C("occupancy_any_work", "Occupancy (any work)", "percent", "one item = fully busy"),
    C("utilisation", "Utilisation", "percent", "capacity in use ÷ logged-in time"),
]
COLUMNS = {
    "queue": QUEUEING + HANDLING + OUTBOUND + OUTCOMES + COST,
    "channel": QUEUEING + HANDLING + OUTBOUND + OUTCOMES + COST,
    "agent": [
        C("answered", "Answered", "count", "inbound contacts taken"),
        *HANDLING,
        *OUTBOUND,
        C("outbound_share", "Outbound share", "percent", "outbound ÷ all handles"),
        *OUTCOMES,
        *AGENT_TIME,
    ],
    "interval": QUEUEING + HANDLING + OUTBOUND + OUTCOMES[3:] + AGENT_TIME[3:],
}
GROUP_LABEL = {"queue": "Queue", "agent": "Agent", "channel": "Channel", "interval": "Interval"}


@dataclass
class Row:
    label: str
    figures: Figures
    key: str = ""


@dataclass
class Report:
    kind: str
    first: date
    last: date
    grain: str = ""
    queue_id: int | None = None
    channel: str = ""
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None

    @property
    def columns(self) -> list[Column]:
        return COLUMNS[self.kind]

    @property
    def group_label(self) -> str:
        return GROUP_LABEL[self.kind]

    def cells(self, row: Row) -> list[float | int | None]:
        return [getattr(row.figures, column.figure) for column in self.columns]


def parse_range(params, today: date | None = None) -> tuple[date, date]:
    """`from` and `to` (YYYY-MM-DD, both included); default: the last seven days."""
    today = today or timezone.localdate()
    try:
        last = date.fromisoformat(params["to"]) if params.get("to") else today
        first = (
            date.fromisoformat(params["from"]) if params.get("from") else last - timedelta(days=6)
        )
    except ValueError as error:
        raise BadRequest(f"dates are YYYY-MM-DD: {error}") from None
    if first > last:
        raise BadRequest("'from' is after 'to'")
    if (last - first).days >= LONGEST_RANGE_DAYS:
        raise BadRequest(f"a report covers at most {LONGEST_RANGE_DAYS} days")
    return first, last


def default_grain(first: date, last: date) -> str:
    days = (last - first).days + 1
    return "quarter" if days <= 2 else "hour" if days <= 14 else "day"


def build(
    kind: str, params, today: date | None = None, agents: frozenset[int] | None = None
) -> Report:
    """The report; for a team lead (`agents`: their teams') the per-agent one, of them."""
    if kind not in KINDS:
        raise BadRequest(f"no {kind!r} report; there are {', '.join(KINDS)}")
    first, last = parse_range(params, today)
    start, end = figures.day_range(first, last)
    report = Report(kind=kind, first=first, last=last)
    if kind == "interval":
        return _intervals(report, params, start, end)
    sums = figures.totals(kind, start, end)
    if agents is not None:
        sums = {key: value for key, value in sums.items() if key in {str(a) for a in agents}}
    names = _names(kind, list(sums))
    report.rows = sorted(
        (Row(names.get(key, key), sums[key], key) for key in sums), key=lambda r: _natural(r.label)
    )
    report.total = Row("All", figures.combine(sums.values()))
    return report


def _intervals(report: Report, params, start: datetime, end: datetime) -> Report:
    grain = params.get("grain") or default_grain(report.first, report.last)
    if grain not in GRAINS:
        raise BadRequest(f"grain is one of {', '.join(GRAINS)}")
    report.grain = grain
    dimension, ids = "channel", None
    if params.get("queue"):
        if not str(params["queue"]).isdigit():
            raise BadRequest("queue is a queue's id")
        report.queue_id, dimension, ids = int(params["queue"]), "queue", [params["queue"]]
    elif params.get("channel"):
        if params["channel"] not in dict(channel_choices()):
            raise BadRequest(f"no channel {params['channel']!r}")
        report.channel, ids = params["channel"], [params["channel"]]
    contacts = figures.totals(dimension, start, end, by=grain, ids=ids)
    agents = figures.totals("agent", start, end, by=grain)
    zone = timezone.get_current_timezone()
    for period in sorted(set(contacts) | set(agents)):
        local = period.astimezone(zone)
        if grain == "day":
            text = f"{local:%Y-%m-%d}"
        else:
            text = f"{local:%H:%M}" if report.first == report.last else f"{local:%Y-%m-%d %H:%M}"
        merged = _with_staff(contacts.get(period), agents.get(period))
        report.rows.append(Row(text, merged, local.isoformat()))
    report.total = Row(
        "All", _with_staff(figures.combine(contacts.values()), figures.combine(agents.values()))
    )
    return report


# Facts only agents have: an interval's staffing comes from all agents' facts.
AGENT_TIME_COUNTERS = (
    "logged_in_ms",
    "occupiable_ms",
    "working_ms",
    "capacity_used_ppm_ms",
    "away_ms",
    "offers",
    "offers_rejected",
    "offers_missed",
)


def _with_staff(contacts: Figures | None, agents: Figures | None) -> Figures:
    sums = dict(contacts.sums) if contacts else {}
    for name in AGENT_TIME_COUNTERS:
        sums[name] = agents.sums.get(name, 0) if agents else 0
    return Figures(sums)


def _natural(label: str) -> list:
    """Agent 2 before Agent 10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", label)]


def _names(kind: str, keys: list[str]) -> dict[str, str]:
    ids = [int(k) for k in keys if k.isdigit()]
    if kind == "queue":
        return {
            str(pk): name for pk, name in Queue.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    if kind == "agent":
        names = {
            str(u.pk): u.get_full_name() or u.username for u in User.objects.filter(pk__in=ids)
        }
        for profile in AgentProfile.objects.filter(user_id__in=ids, display_name__gt=""):
            names[str(profile.user_id)] = profile.display_name
        return names
    return dict(channel_choices())


def chart(report: Report) -> dict:
    """What the page's charts draw (Chart.js datasets), from the rows it shows."""
    labels = [row.label for row in report.rows]

    def series(name: str, scale: float = 1.0) -> list[float | None]:
        values = [getattr(row.figures, name) for row in report.rows]
        return [None if v is None else round(v * scale, 2) for v in values]

    volumes = [
        {"label": "Offered", "data": series("offered")},
        {"label": "Answered", "data": series("answered")},
        {"label": "Abandoned", "data": series("abandoned")},
    ]
    if report.kind == "agent":
        volumes = [
            {"label": "Inbound handled", "data": series("handled")},
            {"label": "Outbound handled", "data": series("outbound_handled")},
            {"label": "Missed offers", "data": series("offers_missed")},
        ]
    else:
        volumes.append({"label": "Outbound started", "data": series("outbound_started")})
    rates = [{"label": "CSAT %", "data": series("csat", 100)}]
    times = [
        {"label": "Inbound AHT (s)", "data": series("aht_seconds")},
        {"label": "Outbound AHT (s)", "data": series("outbound_aht_seconds")},
    ]
    if report.kind == "agent":  # agents answer; they have no queue wait or service level
        rates.append({"label": "FCR %", "data": series("fcr", 100)})
        times.append({"label": "Avg wrap-up (s)", "data": series("average_wrap_up_seconds")})
    else:
        rates.insert(0, {"label": "SL (answered) %", "data": series("service_level", 100)})
        times.append({"label": "ASA (s)", "data": series("asa_seconds")})
    if report.kind in ("agent", "interval"):
        rates.append({"label": "Occupancy %", "data": series("occupancy", 100)})
    return {
        "type": "line" if report.kind == "interval" else "bar",
        "labels": labels,
        "volumes": volumes,
        "rates": rates,
        "times": times,
    }
