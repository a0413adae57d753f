"""The virtual agent's decisions: answer from the knowledge base, ask once what the customer
meant, or hand off to a person. Pure: the shell (routing/flows/runner.py) searches the
knowledge base and scores the message's sentiment, and passes what it found as `Evidence`.

The rules, in order:
1. asked for a person (in words, or the "A person" option): hand off;
2. the message is clearly negative: hand off (an angry customer wants a person, not a link);
3. after an answer, "yes / thanks" closes as resolved, "no / that didn't help" hands off;
4. the best article's confidence reaches the threshold: answer with it;
5. not yet asked: ask once which of the best few articles they mean (a numbered choice);
6. otherwise: hand off, with what was tried.
"""

import re
from dataclasses import dataclass, field

PERSON = re.compile(
    r"\b(human|person|agent|operator|representative|someone real|real person|"
    r"speak to (someone|somebody)|talk to (someone|somebody)|call me|customer service)\b",
    re.IGNORECASE,
)
YES = re.compile(
    r"^\W*(yes|yeah|yep|yup|sure|ok(ay)?|great|perfect|thanks|thank you|thx|cheers|"
    r"that helped|that helps|it worked|solved|got it)\b",
    re.IGNORECASE,
)
NO = re.compile(
    r"^\W*(no|nope|not really|nah)\b|did(n't| not) (help|work|answer)|"
    r"(doesn't|does not|won't|will not) (help|work)|not what i (asked|meant|need)",
    re.IGNORECASE,
)
PERSON_OPTION = "0"
ANSWER_OPTIONS = ({"value": "yes", "label": "Yes, thanks"}, {"value": "no", "label": "No"})

SAY_CLARIFY = "I want to be sure I understand. Is your question about one of these?"
SAY_HANDOFF = "Let me connect you with a colleague who can help. They will see our conversation."
SAY_RESOLVED = "Glad I could help!"
SAY_ANSWERED = "Did that answer your question?"


@dataclass(frozen=True)
class Candidate:
    article_id: str
    title: str
    answer: str  # the article's summary: what the customer is told
    url: str = ""


@dataclass(frozen=True)
class Evidence:
    candidates: tuple[Candidate, ...] = ()
    confidence: float = 0.0  # of the first candidate, 0..1
    sentiment: float = 0.0  # of the message, -1..1
    threshold: float = 0.5
    negative_below: float = -0.5
    titles: dict[str, str] = field(default_factory=dict)  # article id -> title, of those tried


@dataclass(frozen=True)
class Conversation:
    """The virtual agent's memory of this interaction, folded from its events."""

    last: str = ""  # the last decision
    intent: str = ""  # what the customer wanted, as last understood
    clarified: bool = False
    tried: tuple[str, ...] = ()  # article ids answered with or offered, in order
    offered: tuple[str, ...] = ()  # the clarifying question's articles, by option number


@dataclass(frozen=True)
class Decision:
    kind: str  # answered, clarified, handed_off, resolved
    text: str
    article_ids: tuple[str, ...] = ()
    options: tuple[dict, ...] = ()
    reason: str = ""  # why it handed off
    intent: str = ""


GREETING = re.compile(
    r"\b(hi|hello|hey|hallo|good (morning|afternoon|evening)|there|yo|help|please|thanks?)\b",
    re.IGNORECASE,
)


def worth_answering(text: str) -> bool:
    """Whether a conversation's first message is a question to answer at once (the widget's
    pre-chat message, an SMS), rather than a greeting to answer with the step's own."""
    rest = re.findall(r"[a-z0-9']+", GREETING.sub(" ", text.lower()))
    return len(rest) >= 2


def picked(conversation: Conversation, text: str, choice: str) -> str:
    """After a clarifying question: the article id the customer picked, PERSON_OPTION for
    "a person", or "" if their answer picks nothing (then it is read as a new question)."""
    if conversation.last != "clarified":
        return ""
    said = (choice or text).strip().rstrip(".!").lower()
    if said == PERSON_OPTION:
        return PERSON_OPTION
    if said.isdigit() and 1 <= int(said) <= len(conversation.offered):
        return conversation.offered[int(said) - 1]
    return ""


def decide(text: str, choice: str, conversation: Conversation, evidence: Evidence) -> Decision:
    best = evidence.candidates[0] if evidence.candidates else None
    # This message's topic if it has a clear one, else what was understood before, else
    # the customer's own words.
    fresh = best.title if best and evidence.confidence >= evidence.threshold / 2 else ""
    intent = fresh or conversation.intent or text[:200]
    if choice == PERSON_OPTION or PERSON.search(text):
        return _handoff("asked_for_person", intent)
    if evidence.sentiment <= evidence.negative_below:
        return _handoff("negative_sentiment", intent)
    if conversation.last == "answered":
        if choice == "yes" or (not choice and YES.search(text) and not NO.search(text)):
            return Decision("resolved", SAY_RESOLVED, intent=conversation.intent or intent)
        if choice == "no" or NO.search(text):
            return _handoff("not_helpful", conversation.intent or intent)
    if best is not None and evidence.confidence >= evidence.threshold:
        body = best.answer + (f"\n\nMore: {best.url}" if best.url else "")
        return Decision(
            "answered",
            f"{body}\n\n{SAY_ANSWERED}",
            (best.article_id,),
            ANSWER_OPTIONS,
            intent=best.title,
        )
    if not conversation.clarified and evidence.candidates:
        offered = evidence.candidates[:3]
        numbered = [{"value": str(n), "label": c.title} for n, c in enumerate(offered, 1)]
        options = (*numbered, {"value": PERSON_OPTION, "label": "None of these: a person, please"})
        return Decision(
            "clarified", SAY_CLARIFY, tuple(c.article_id for c in offered), options, intent=intent
        )
    return _handoff("low_confidence", intent)


def _handoff(reason: str, intent: str) -> Decision:
    return Decision("handed_off", SAY_HANDOFF, reason=reason, intent=intent)
