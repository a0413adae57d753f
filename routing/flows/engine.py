"""The flow engine: start a flow, take an answer. Pure: no I/O.

A flow is a graph of steps (`routing.flows.definition`). The engine walks it from a step until
the customer has to answer (a menu, a collect, a voicemail) or the flow is over (routed, ended,
voicemail or callback taken), returning the events of the way: every step entered, every
answer, every attribute set, and the prompts (MessageSent with author "flow") that each
channel renders its own way. `validate` (routing.flows.validation) says whether it can run.
"""

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contactcenter.events.types import DomainEvent
from contactcenter.interactions import events as ie
from routing.flows import events as fe
from routing.flows import virtual_agent as va
from routing.flows.definition import (
    WAITS,
    FlowDefinition,
    Hours,
    Kind,
    Option,
    Step,
    answer_field,
    condition_holds,
    fill,
    parse_skills,
)
from routing.flows.validation import validate

__all__ = [
    "Context",
    "FlowDefinition",
    "Hours",
    "Kind",
    "LookupAnswer",
    "LookupCall",
    "Option",
    "Reply",
    "Result",
    "Route",
    "Session",
    "Step",
    "answer",
    "start",
    "validate",
]
MAX_STEPS_PER_TURN = 100  # a guard; validate() already refuses loops that never wait


@dataclass
class Session:
    """Where an interaction is in its flow, folded from its events."""

    flow: str = ""
    step: str = ""
    attempts: int = 0  # answers at the current step that did not fit
    attributes: dict[str, str] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    outcome: str = ""  # set once the flow is over
    assistant: va.Conversation = field(default_factory=va.Conversation)

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
                case fe.VirtualAgentReplied():
                    session.assistant = _remember(session.assistant, event)
        return session


@dataclass(frozen=True)
class Reply:
    text: str = ""
    choice: str = ""  # a button's or key's option value (channel_data "flow_choice")
    has_media: bool = False  # a recording or attachment (a voicemail, an offline form)
    # A virtual-agent step: the articles the shell found for the message and its sentiment
    evidence: va.Evidence | None = None


@dataclass(frozen=True)
class LookupCall:
    """What a lookup step asks its endpoint: the values of the attributes it sends."""

    interaction_id: str
    flow: str
    step: str
    lookup_id: int | None
    values: dict[str, str]


@dataclass(frozen=True)
class LookupAnswer:
    """What came back. `outcome` answered (a JSON object, in `answer`) or one of why not:
    timeout, unreachable, error (5xx), refused (4xx), not_found (404), malformed (not a JSON
    object), circuit_open (failing lately: not asked), unconfigured."""

    outcome: str
    answer: dict = field(default_factory=dict)
    status: int = 0  # the last HTTP status (0: none came)
    attempts: int = 0
    elapsed_ms: int = 0

    @property
    def answered(self) -> bool:
        return self.outcome == "answered"


def _no_lookups(call: LookupCall) -> LookupAnswer:
    return LookupAnswer("unconfigured")


@dataclass(frozen=True)
class Context:
    interaction_id: str
    channel: str
    now: datetime
    customer_number: str = ""  # E.164, on phone channels: where a callback goes
    # The customer's and the conversation's labels and custom attributes, for conditions
    labels: frozenset[str] = frozenset()
    attributes: dict[str, str] = field(default_factory=dict)
    # The shell's way to ask a lookup step's endpoint (routing.flows.lookups); the engine
    # itself does no I/O.
    look_up: Callable[[LookupCall], LookupAnswer] = _no_lookups


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

    def prompt(
        self, step: Step, text: str, *, waits: bool = False, options: tuple[dict, ...] = ()
    ) -> None:
        data: dict = {"flow": self.flow.key, "step": step.id, "kind": step.kind.value}
        if step.kind is Kind.MENU and waits:
            data["options"] = [{"value": o.value, "label": o.label} for o in step.options]
        if options:
            data["options"] = [dict(o) for o in options]
        if waits:
            data["input"] = {Kind.MENU: "choice", Kind.COLLECT: "text", Kind.VIRTUAL: "text"}.get(
                step.kind, "message"
            )
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
            if step.kind is Kind.CONDITION:
                note = "yes" if condition_holds(step, self.ctx.labels, self.known()) else "no"
            if step.kind is Kind.LOOKUP:
                call, looked_up = self.look_up(step)
                note = looked_up.outcome
            self.emit(self.entered(step, note, waits=step.kind in WAITS))
            match step.kind:
                case Kind.MESSAGE:
                    self.prompt(step, self.said(step))
                    step_id = step.next
                case Kind.LOOKUP:
                    step_id = self.after_lookup(step, call, looked_up)
                case Kind.HOURS:
                    step_id = step.next if note == "open" else step.fallback
                case Kind.CONDITION:
                    step_id = step.next if note == "yes" else step.fallback
                case Kind.SET:
                    self.set_attributes(step, dict(step.assignments))
                    step_id = step.next
                case Kind.MENU | Kind.COLLECT | Kind.VOICEMAIL | Kind.VIRTUAL:
                    self.prompt(step, self.said(step), waits=True)
                    return self.result
                case Kind.ROUTE:
                    if step.text:
                        self.prompt(step, self.said(step))
                    return self.complete(step, "queued", step.queue_id)
                case Kind.CALLBACK:
                    return self.callback(step)
                case Kind.END:
                    if step.text:
                        self.prompt(step, self.said(step))
                    self.complete(step, "ended", None)
                    self.result.close = True
                    return self.result
        raise RuntimeError(f"flow {self.flow.key} went {MAX_STEPS_PER_TURN} steps without waiting")

    def known(self) -> dict[str, str]:
        """The attributes a step can use: the customer's and conversation's, then what the
        flow collected (which wins)."""
        return {**self.ctx.attributes, **self.attributes}

    def said(self, step: Step) -> str:
        return fill(step.text, self.known())

    def look_up(self, step: Step) -> tuple[LookupCall, LookupAnswer]:
        known = self.known()
        call = LookupCall(
            interaction_id=self.ctx.interaction_id,
            flow=self.flow.key,
            step=step.id,
            lookup_id=step.lookup_id,
            values={name: known.get(name, "") for name in step.inputs},
        )
        return call, self.ctx.look_up(call)

    def after_lookup(self, step: Step, call: LookupCall, looked_up: LookupAnswer) -> str:
        """Answered: its fields become attributes (by the step's assignments) and the flow goes
        on to `next`; otherwise to `fallback`, with `lookup_failed` saying why, for the agent."""
        self.emit(
            fe.FlowLookupAnswered(
                interaction_id=self.ctx.interaction_id,
                flow=self.flow.key,
                step=step.id,
                sent=call.values,
                outcome=looked_up.outcome,
                status=looked_up.status,
                attempts=looked_up.attempts,
                elapsed_ms=looked_up.elapsed_ms,
            )
        )
        if not looked_up.answered:
            self.set_attributes(step, {"lookup_failed": looked_up.outcome})
            return step.fallback
        kept = {
            name: value
            for name, path in step.assignments.items()
            if (value := answer_field(looked_up.answer, path)) is not None
        }
        if kept:
            self.set_attributes(step, kept)
        return step.next

    def entered(self, step: Step, note: str = "", *, waits: bool = False) -> fe.FlowStepEntered:
        return fe.FlowStepEntered(
            interaction_id=self.ctx.interaction_id,
            flow=self.flow.key,
            step=step.id,
            kind=step.kind.value,
            note=note,
            answer_by=self.answer_by() if waits else "",
        )

    def answer_by(self) -> str:
        return (self.ctx.now + timedelta(seconds=self.flow.idle_seconds)).isoformat()

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
            self.prompt(step, self.said(step))
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
        if step.kind is Kind.VIRTUAL:
            return self.virtual_agent(step, session, reply)
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
                answer_by=self.answer_by() if fitted is None and attempt <= step.retries else "",
            )
        )
        if fitted is None:
            if attempt > step.retries:
                return self.walk(step.fallback) if step.fallback else self.default_exit(step)
            self.prompt(step, f"{self.flow.no_match_text} {self.said(step)}".strip(), waits=True)
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

    def virtual_agent(self, step: Step, session: Session, reply: Reply) -> Result:
        """One turn of the virtual agent (routing/flows/virtual_agent.py decides)."""
        evidence = reply.evidence or va.Evidence()
        decision = va.decide(reply.text, reply.choice, session.assistant, evidence)
        continues = decision.kind in ("answered", "clarified")
        self.emit(
            fe.FlowAnswerGiven(
                interaction_id=self.ctx.interaction_id,
                flow=self.flow.key,
                step=step.id,
                text=reply.text,
                value=decision.kind,
                label=decision.intent,
                attempt=len(session.assistant.tried) + 1,
                answer_by=self.answer_by() if continues else "",
            )
        )
        self.emit(
            fe.VirtualAgentReplied(
                interaction_id=self.ctx.interaction_id,
                flow=self.flow.key,
                step=step.id,
                question=reply.text,
                decision=decision.kind,
                article_ids=list(decision.article_ids),
                confidence=round(evidence.confidence, 4),
                reason=decision.reason,
                intent=decision.intent,
            )
        )
        self.prompt(step, decision.text, waits=continues, options=decision.options)
        if decision.kind == "resolved":
            if step.next:
                return self.walk(step.next)
            self.complete(step, "ended", None)
            self.result.close = True
            return self.result
        if decision.kind == "handed_off":
            tried = [*session.assistant.tried]
            self.set_attributes(
                step,
                {
                    "intent": decision.intent,
                    "handoff_reason": decision.reason,
                    "articles_tried": ", ".join(evidence_titles(tried, reply)) or "none",
                },
            )
            return self.complete(step, "queued", step.queue_id)
        return self.result

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


def _remember(memory: va.Conversation, event: fe.VirtualAgentReplied) -> va.Conversation:
    tried = memory.tried + tuple(a for a in event.article_ids if a not in memory.tried)
    return va.Conversation(
        last=event.decision,
        intent=event.intent or memory.intent,
        clarified=memory.clarified or event.decision == "clarified",
        tried=tried,
        offered=tuple(event.article_ids) if event.decision == "clarified" else memory.offered,
    )


def evidence_titles(article_ids: list[str], reply: Reply) -> list[str]:
    """The articles tried, by title where this turn's evidence knows it, else by id."""
    known = {c.article_id: c.title for c in (reply.evidence.candidates if reply.evidence else ())}
    titles = reply.evidence.titles if reply.evidence else {}
    return [known.get(a) or titles.get(a) or a for a in article_ids]


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
