"""Events of self-service, on the interaction's stream. docs/events.md describes each.

Every step a customer passes is recorded, with what they chose or typed, so the agent sees it
and supervisors can measure containment (finished without an agent) and drop-off (the last
step entered before the customer left)."""

from dataclasses import dataclass, field
from typing import ClassVar

from contactcenter.events.types import DomainEvent, added_fields


@dataclass(frozen=True, kw_only=True)
class FlowStepEntered(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no answer_by
    interaction_id: str
    flow: str
    step: str
    kind: str  # message, menu, collect, hours, condition, set, lookup, route, … (Kind)
    note: str = ""  # business hours: "open" or "closed"
    answer_by: str = ""  # ISO time: a step that waits is abandoned without an answer by then


@dataclass(frozen=True, kw_only=True)
class FlowAnswerGiven(DomainEvent):
    schema_version: ClassVar[int] = 2  # v1 had no answer_by
    interaction_id: str
    flow: str
    step: str
    text: str  # what the customer sent, said or keyed
    value: str = ""  # the menu option chosen, or the value collected
    label: str = ""  # the option's label
    valid: bool = True  # False: it fitted no option or the pattern, and the step asks again
    attempt: int = 1
    answer_by: str = ""  # asked again: the new time the customer has to answer by


@dataclass(frozen=True, kw_only=True)
class FlowAttributesSet(DomainEvent):
    """Attributes for routing and for the agent: skill, priority, language, account_number…"""

    interaction_id: str
    flow: str
    step: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FlowLookupAnswered(DomainEvent):
    """A lookup step asked the business's system (routing/flows/lookups.py) and this came
    back; the answer's fields the step keeps follow as FlowAttributesSet."""

    interaction_id: str
    flow: str
    step: str
    sent: dict[str, str] = field(default_factory=dict)  # attribute -> value sent
    outcome: str  # answered, timeout, unreachable, error, refused, not_found, malformed, …
    status: int = 0  # the last HTTP status (0: none came)
    attempts: int = 0
    elapsed_ms: int = 0


@dataclass(frozen=True, kw_only=True)
class FlowCompleted(DomainEvent):
    interaction_id: str
    flow: str
    step: str
    outcome: str  # queued, ended (contained), voicemail, callback
    queue_id: int | None = None
    priority: int = 0  # added to the queue's priority
    required_skills: dict[str, int] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)  # everything the flow gathered


@dataclass(frozen=True, kw_only=True)
class CallbackRequested(DomainEvent):
    """The customer asked to be called back instead of waiting on the line; when an agent
    accepts the interaction the platform places the call."""

    interaction_id: str
    number: str  # E.164
    source: str = "flow"  # flow (a callback step) or queue (a key pressed while waiting)


@dataclass(frozen=True, kw_only=True)
class VirtualAgentReplied(DomainEvent):
    """A virtual-agent step took the customer's message and decided: answer from an
    article, ask once what they meant, hand off to a person, or close as resolved."""

    interaction_id: str
    flow: str
    step: str
    question: str  # the customer's words
    decision: str  # answered, clarified, handed_off, resolved
    article_ids: list[str] = field(default_factory=list)  # answered with, or offered
    confidence: float = 0.0  # the best article's score, 0..1
    reason: str = (
        ""  # handed_off: asked_for_person, negative_sentiment, low_confidence, not_helpful
    )
    intent: str = ""  # what the customer wants, in words (the best article's title or theirs)


# Upcasters: fields added since events were first stored (docs/events.md, schema versions).
added_fields("FlowStepEntered", from_version=1, answer_by="")


added_fields("FlowAnswerGiven", from_version=1, answer_by="")
