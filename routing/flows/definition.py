"""What a flow is made of, as the engine sees it: steps of a few kinds, with their options,
targets and settings. Pure data; `routing.flows.models` builds it from admin's rows."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from routing.calendars import calendar_open


class Kind(StrEnum):
    MESSAGE = "message"
    MENU = "menu"
    COLLECT = "collect"
    HOURS = "hours"
    CONDITION = "condition"
    SET = "set"
    LOOKUP = "lookup"
    ROUTE = "route"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    END = "end"
    VIRTUAL = "virtual"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Kind.MESSAGE: "Say / message",
    Kind.MENU: "Menu",
    Kind.COLLECT: "Collect (text or digits)",
    Kind.HOURS: "Business-hours branch",
    Kind.CONDITION: "Branch on a label or attribute",
    Kind.SET: "Set attributes",
    Kind.LOOKUP: "Look up in a business system (branches on its answer)",
    Kind.ROUTE: "Route to a queue",
    Kind.VOICEMAIL: "Leave a message (voicemail / offline form)",
    Kind.CALLBACK: "Request a callback",
    Kind.END: "End",
    Kind.VIRTUAL: "Virtual agent (answers from the knowledge base, hands off)",
}
WAITS = frozenset({Kind.MENU, Kind.COLLECT, Kind.VOICEMAIL, Kind.VIRTUAL})  # the customer answers
EXITS = frozenset({Kind.ROUTE, Kind.VOICEMAIL, Kind.CALLBACK, Kind.END, Kind.VIRTUAL})
NEEDS_QUEUE = frozenset({Kind.ROUTE, Kind.VOICEMAIL, Kind.CALLBACK})


@dataclass(frozen=True)
class Option:
    value: str  # what the customer keys or sends ("1"), and the button's value
    label: str  # what they read or hear ("Billing")
    next: str


@dataclass(frozen=True)
class Hours:
    weekly: tuple[tuple[int, time, time], ...]
    holidays: frozenset[date] = frozenset()
    timezone: str = "UTC"

    def is_open(self, at: datetime) -> bool:
        return calendar_open(list(self.weekly), set(self.holidays), self.timezone, at)


@dataclass(frozen=True)
class Step:
    id: str
    kind: Kind
    text: str = ""
    options: tuple[Option, ...] = ()
    next: str = ""
    fallback: str = ""
    retries: int = 2
    attribute: str = ""
    pattern: str = ""
    assignments: dict[str, str] = field(default_factory=dict)
    queue_id: int | None = None
    queue_channels: tuple[str, ...] = ()
    hours: Hours | None = None
    # A lookup step: the configured endpoint, and the attributes it is sent (its answer's
    # fields are kept as attributes by `assignments`: attribute name -> the answer's field)
    lookup_id: int | None = None
    inputs: tuple[str, ...] = ()

    def targets(self) -> list[tuple[str, str]]:
        """(what, step id) for every step this one can lead to."""
        found = []
        if self.kind is Kind.MENU:
            found += [(f"option {o.value!r}", o.next) for o in self.options]
        if self.next:
            found.append(("next step", self.next))
        if self.fallback:
            found.append(("fallback step", self.fallback))
        return found


def answer_field(answer: dict, path: str) -> str | None:
    """A lookup answer's field by its dotted path ("shipment.date"), as text; None where it is
    missing or not a single value (an object, a list)."""
    value: object = answer
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value)[:ANSWER_FIELD_MAX]
    return None


ANSWER_FIELD_MAX = 500
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")


def fill(text: str, attributes: dict[str, str]) -> str:
    """A prompt with `{attribute}` placeholders filled ("Your order shipped on {shipped_on}.");
    a placeholder nothing has set stays as written, for the admin to notice."""
    return PLACEHOLDER.sub(lambda m: attributes.get(m.group(1), m.group(0)), text)


def condition_holds(step: Step, labels: frozenset[str], attributes: dict[str, str]) -> bool:
    """A condition step: `attribute` is `label` (is the label `pattern` on the customer or
    the conversation?) or an attribute's key (does its value equal `pattern`, ignoring case;
    with no `pattern`, has it any value?)."""
    if step.attribute == "label":
        return step.pattern in labels
    value = attributes.get(step.attribute, "")
    if not step.pattern:
        return bool(value)
    return value.casefold() == step.pattern.casefold()


@dataclass(frozen=True)
class FlowDefinition:
    key: str
    name: str
    start: str
    steps: dict[str, Step]
    no_match_text: str = "Sorry, I did not get that."
    idle_seconds: int = 1800  # no answer for this long: the customer has left


def parse_skills(text: str) -> dict[str, int]:
    """'billing:5, spanish' -> {"billing": 5, "spanish": 1}."""
    skills = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, level = item.partition(":")
        try:
            number = int(level) if level else 1
        except ValueError:
            number = 0
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", name.strip()) or not 1 <= number <= 10:
            raise ValueError(f"skill {item!r} should read 'name' or 'name:level' (level 1-10)")
        skills[name.strip()] = number
    return skills
