"""The flow engine: validate a definition, start a flow, take an answer. Pure: no I/O.

A flow is a graph of steps. The engine walks it from a step until the customer has to answer
(a menu, a collect, a voicemail) or the flow is over (routed, ended, voicemail or callback
taken), returning the events of the way: every step entered, every answer, every attribute
set, and the prompts (MessageSent with author "flow") that each channel renders its own way.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from contactcenter.events.types import DomainEvent
from contactcenter.interactions import events as ie
from routing.flows import events as fe
from routing.models import calendar_open


class Kind(StrEnum):
    MESSAGE = "message"
    MENU = "menu"
    COLLECT = "collect"
    HOURS = "hours"
    SET = "set"
    ROUTE = "route"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    END = "end"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Kind.MESSAGE: "Say / message",
    Kind.MENU: "Menu",
    Kind.COLLECT: "Collect (text or digits)",
    Kind.HOURS: "Business-hours branch",
    Kind.SET: "Set attributes",
    Kind.ROUTE: "Route to a queue",
    Kind.VOICEMAIL: "Leave a message (voicemail / offline form)",
    Kind.CALLBACK: "Request a callback",
    Kind.END: "End",
}
WAITS = frozenset({Kind.MENU, Kind.COLLECT, Kind.VOICEMAIL})  # the customer answers
EXITS = frozenset({Kind.ROUTE, Kind.VOICEMAIL, Kind.CALLBACK, Kind.END})
NEEDS_QUEUE = frozenset({Kind.ROUTE, Kind.VOICEMAIL, Kind.CALLBACK})
KNOWN_ATTRIBUTES = ("skill", "priority", "language", "account_number")
MAX_STEPS_PER_TURN = 100  # a guard; validate() already refuses loops that never wait


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


@dataclass(frozen=True)
class FlowDefinition:
    key: str
    name: str
    start: str
    steps: dict[str, Step]
    no_match_text: str = "Sorry, I did not get that."


# -- validation ------------------------------------------------------------------------------


def validate(flow: FlowDefinition) -> list[str]:
    """What stops `flow` from running, in words an admin can act on (empty: it can run)."""
    errors = []
    if flow.start not in flow.steps:
        errors.append(f"the start step {flow.start!r} does not exist")
    for step in flow.steps.values():
        errors += [f"step {step.id!r}: {problem}" for problem in _step_problems(step)]
        for what, target in step.targets():
            if target not in flow.steps:
                errors.append(f"step {step.id!r}: its {what} leads to {target!r}, which is missing")
    if errors:
        return errors
    reachable = _reachable(flow, [flow.start])
    unreachable = [s for s in flow.steps if s not in reachable]
    if unreachable:
        errors.append(
            f"{_plural(unreachable, 'step')} {', '.join(map(repr, unreachable))} cannot be "
            f"reached from the start step {flow.start!r}"
        )
    stuck = [s for s in flow.steps if s in reachable and not _reachable(flow, [s]) & _exits(flow)]
    if stuck:
        loop = _cycle(flow, set(stuck)) or stuck
        errors.append(
            f"a loop with no exit: {' → '.join(loop)}: none of these steps leads to a route, "
            "voicemail, callback or end step"
        )
    automatic = {s.id for s in flow.steps.values() if s.kind not in WAITS}
    if spin := _cycle(flow, automatic):
        errors.append(
            f"a loop that never waits for the customer: {' → '.join(spin)}: put a menu or a "
            "collect step in it, or break it"
        )
    return errors


def _step_problems(step: Step) -> list[str]:
    problems = []
    if step.kind in {Kind.MESSAGE, Kind.COLLECT, Kind.SET} and not step.next:
        problems.append(f"a {step.kind} step needs a next step")
    if step.kind is Kind.MESSAGE and not step.text.strip():
        problems.append("a message step needs its text")
    if step.kind is Kind.MENU:
        if not step.options:
            problems.append("a menu needs at least one option")
        values = [o.value.lower() for o in step.options]
        if len(set(values)) != len(values):
            problems.append("two options share a value")
        if not step.text.strip():
            problems.append("a menu needs a prompt")
    if step.kind is Kind.COLLECT:
        if not step.attribute:
            problems.append("a collect step needs the attribute to store the answer in")
        if not step.text.strip():
            problems.append("a collect step needs a prompt")
        if step.pattern:
            try:
                re.compile(step.pattern)
            except re.error as error:
                problems.append(f"its pattern is not a regular expression: {error}")
    if step.kind is Kind.HOURS:
        if step.hours is None:
            problems.append("a business-hours step needs a calendar")
        if not (step.next and step.fallback):
            problems.append(
                "a business-hours step needs a next step (open) and a fallback (closed)"
            )
    if step.kind is Kind.SET:
        if not step.assignments:
            problems.append("a set step needs at least one 'name = value'")
        problems += _assignment_problems(step.assignments)
    if step.kind in NEEDS_QUEUE and step.queue_id is None:
        problems.append(f"a {step.kind} step needs a queue")
    if step.kind is Kind.VOICEMAIL and not step.text.strip():
        problems.append("a voicemail step needs a prompt")
    return problems


def _assignment_problems(assignments: dict[str, str]) -> list[str]:
    problems = []
    if "priority" in assignments:
        try:
            int(assignments["priority"])
        except ValueError:
            problems.append(f"priority {assignments['priority']!r} is not a whole number")
    if "skill" in assignments:
        try:
            parse_skills(assignments["skill"])
        except ValueError as error:
            problems.append(str(error))
    return problems


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


def _reachable(flow: FlowDefinition, start: list[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in flow.steps:
            continue
        seen.add(step_id)
        step = flow.steps[step_id]
        todo += [t for _, t in step.targets()]
        if step.kind in {Kind.MENU, Kind.COLLECT, Kind.VOICEMAIL} and not step.fallback:
            seen.add("")  # running out of retries leads to the default exit
    return seen


def _exits(flow: FlowDefinition) -> set[str]:
    return {s.id for s in flow.steps.values() if s.kind in EXITS} | {""}


def _cycle(flow: FlowDefinition, among: set[str]) -> list[str] | None:
    """A cycle through steps of `among` only, as ids with the first repeated at the end."""
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(step_id: str, path: list[str]) -> list[str] | None:
        state[step_id] = 1
        for _, target in flow.steps[step_id].targets():
            if target not in among:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target, [*path, target])):
                return found
        state[step_id] = 2
        return None

    for step_id in sorted(among):
        if step_id not in state and (found := visit(step_id, [step_id])):
            return found
    return None


def _plural(items: list, word: str) -> str:
    return word if len(items) == 1 else f"{word}s"


# -- running ---------------------------------------------------------------------------------


@dataclass
class Session:
    """Where an interaction is in its flow, folded from its events."""

    flow: str = ""
    step: str = ""
    attempts: int = 0  # answers at the current step that did not fit
    attributes: dict[str, str] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    outcome: str = ""  # set once the flow is over

    @property
    def running(self) -> bool:
        return bool(self.flow) and not self.outcome

    @classmethod
    def from_events(cls, events: Iterable[DomainEvent]) -> "Session":
        session = cls()
        for event in events:
            match event:
                case ie.SelfServiceStarted():
                    session = cls(flow=event.flow)
                case fe.FlowStepEntered():
                    session.step, session.attempts = event.step, 0
                    session.path.append(event.step)
                case fe.FlowAnswerGiven(valid=False):
                    session.attempts += 1
                case fe.FlowAttributesSet():
                    session.attributes.update(event.attributes)
                case fe.FlowCompleted():
                    session.outcome = event.outcome
        return session


@dataclass(frozen=True)
class Reply:
    text: str = ""
    choice: str = ""  # a button's or key's option value (channel_data "flow_choice")
    has_media: bool = False  # a recording or attachment (a voicemail, an offline form)


@dataclass(frozen=True)
class Context:
    interaction_id: str
    channel: str
    now: datetime
    customer_number: str = ""  # E.164, on phone channels: where a callback goes


@dataclass(frozen=True)
class Route:
    """The flow is over and the interaction waits in a queue (None: the entry point's)."""

    queue_id: int | None
    outcome: str  # queued, voicemail, callback
    priority: int = 0
    required_skills: dict[str, int] = field(default_factory=dict)
    callback_number: str = ""


@dataclass
class Result:
    events: list[DomainEvent] = field(default_factory=list)
    route: Route | None = None
    close: bool = False  # ended in self-service: contained


class _Run:
    """One turn of a flow: walks from a step until it waits or ends."""

    def __init__(self, flow: FlowDefinition, session: Session, ctx: Context):
        self.flow, self.ctx = flow, ctx
        self.attributes = dict(session.attributes)
        self.result = Result()

    def emit(self, event: DomainEvent) -> None:
        self.result.events.append(event)

    def prompt(self, step: Step, text: str, *, waits: bool = False) -> None:
        data: dict = {"flow": self.flow.key, "step": step.id, "kind": step.kind.value}
        if step.kind is Kind.MENU and waits:
            data["options"] = [{"value": o.value, "label": o.label} for o in step.options]
        if waits:
            data["input"] = {Kind.MENU: "choice", Kind.COLLECT: "text"}.get(step.kind, "message")
        self.emit(
            ie.MessageSent(
                interaction_id=self.ctx.interaction_id,
                message_id=str(uuid.uuid4()),
                channel=self.ctx.channel,
                author="flow",
                author_name=self.flow.name,
                text=text,
                channel_data={"flow": data},
            )
        )

    def walk(self, step_id: str) -> Result:
        for _ in range(MAX_STEPS_PER_TURN):
            if not step_id:
                return self.default_exit(None)
            step = self.flow.steps[step_id]
            note = ""
            if step.kind is Kind.HOURS:
                note = "open" if step.hours and step.hours.is_open(self.ctx.now) else "closed"
            self.emit(self.entered(step, note))
            match step.kind:
                case Kind.MESSAGE:
                    self.prompt(step, step.text)
                    step_id = step.next
                case Kind.HOURS:
                    step_id = step.next if note == "open" else step.fallback
                case Kind.SET:
                    self.set_attributes(step, dict(step.assignments))
                    step_id = step.next
                case Kind.MENU | Kind.COLLECT | Kind.VOICEMAIL:
                    self.prompt(step, step.text, waits=True)
                    return self.result
                case Kind.ROUTE:
                    if step.text:
                        self.prompt(step, step.text)
                    return self.complete(step, "queued", step.queue_id)
                case Kind.CALLBACK:
                    return self.callback(step)
                case Kind.END:
                    if step.text:
                        self.prompt(step, step.text)
                    self.complete(step, "ended", None)
                    self.result.close = True
                    return self.result
        raise RuntimeError(f"flow {self.flow.key} went {MAX_STEPS_PER_TURN} steps without waiting")

    def entered(self, step: Step, note: str = "") -> fe.FlowStepEntered:
        return fe.FlowStepEntered(
            interaction_id=self.ctx.interaction_id,
            flow=self.flow.key,
            step=step.id,
            kind=step.kind.value,
            note=note,
        )

    def set_attributes(self, step: Step, attributes: dict[str, str]) -> None:
        self.attributes.update(attributes)
        self.emit(
            fe.FlowAttributesSet(
                interaction_id=self.ctx.interaction_id,
                flow=self.flow.key,
                step=step.id,
                attributes=attributes,
            )
        )

    def complete(self, step: Step, outcome: str, queue_id: int | None, number: str = "") -> Result:
        priority = int(self.attributes.get("priority", 0) or 0)
        skills = parse_skills(self.attributes.get("skill", ""))
        self.emit(
            fe.FlowCompleted(
                interaction_id=self.ctx.interaction_id,
                flow=self.flow.key,
                step=step.id,
                outcome=outcome,
                queue_id=queue_id,
                priority=priority,
                required_skills=skills,
                attributes=dict(self.attributes),
            )
        )
        if outcome != "ended":
            self.result.route = Route(queue_id, outcome, priority, skills, number)
        return self.result

    def callback(self, step: Step) -> Result:
        number = self.attributes.get("callback_number") or self.ctx.customer_number
        if not number:  # nowhere to call: wait in the queue instead
            if step.fallback:
                return self.walk(step.fallback)
            return self.complete(step, "queued", step.queue_id)
        if step.text:
            self.prompt(step, step.text)
        self.emit(fe.CallbackRequested(interaction_id=self.ctx.interaction_id, number=number))
        return self.complete(step, "callback", step.queue_id, number)

    def default_exit(self, step: Step | None) -> Result:
        """Retries ran out with no fallback: to the entry point's queue, politely."""
        last = step or Step(id="", kind=Kind.ROUTE)
        return self.complete(last, "queued", None)

    def answer(self, session: Session, reply: Reply) -> Result:
        step = self.flow.steps.get(session.step)
        if step is None or step.kind not in WAITS:  # the flow changed under the customer
            return self.default_exit(None)
        attempt = session.attempts + 1
        fitted = self.fit(step, reply)
        value, label = fitted if fitted else ("", "")
        self.emit(
            fe.FlowAnswerGiven(
                interaction_id=self.ctx.interaction_id,
                flow=self.flow.key,
                step=step.id,
                text=reply.text,
                value=value,
                label=label,
                valid=fitted is not None,
                attempt=attempt,
            )
        )
        if fitted is None:
            if attempt > step.retries:
                return self.walk(step.fallback) if step.fallback else self.default_exit(step)
            self.prompt(step, f"{self.flow.no_match_text} {step.text}".strip(), waits=True)
            return self.result
        match step.kind:
            case Kind.MENU:
                option = next(o for o in step.options if o.value == value)
                return self.walk(option.next)
            case Kind.COLLECT:
                self.set_attributes(step, {step.attribute: value})
                return self.walk(step.next)
            case _:  # voicemail: the message is in; it waits for an agent like an e-mail
                return self.complete(step, "voicemail", step.queue_id)

    def fit(self, step: Step, reply: Reply) -> tuple[str, str] | None:
        text = reply.text.strip()
        if step.kind is Kind.MENU:
            return _choose(step.options, reply.choice or text)
        if step.kind is Kind.COLLECT:
            if not text:
                return None
            if step.pattern and not re.fullmatch(step.pattern, text):
                return None
            return text, ""
        return (text or "(recording)", "") if text or reply.has_media else None


def _choose(options: tuple[Option, ...], answer: str) -> tuple[str, str] | None:
    """The option an answer means: its value ("1"), its label ("billing"), or a spoken
    sentence that names exactly one label ("I have a billing question")."""
    said = answer.strip().lower().rstrip(".!?")
    if not said:
        return None
    for option in options:
        if said in (option.value.lower(), option.label.lower()):
            return option.value, option.label
    named = [o for o in options if re.search(rf"\b{re.escape(o.label.lower())}\b", said)]
    if len(named) == 1:
        return named[0].value, named[0].label
    return None


def start(flow: FlowDefinition, ctx: Context) -> Result:
    """The events of a flow's first turn, from its start step."""
    run = _Run(flow, Session(flow=flow.key), ctx)
    return run.walk(flow.start)


def answer(flow: FlowDefinition, session: Session, reply: Reply, ctx: Context) -> Result:
    """The events that follow the customer's answer at the step the session waits on."""
    return _Run(flow, session, ctx).answer(session, reply)
