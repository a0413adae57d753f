"""Sampling rules: which closed interactions QA scores, per agent per period, so scoring is
spread fairly and aimed where it teaches most. Pure: the shell gathers the candidates.

A rule picks up to `per_agent` interactions of each agent in the period (the last
`period_days` days), among those it has not picked before:

- random: any of them, drawn with a seed of the rule and the day (a draw anyone can repeat);
- low_csat: rated `csat_at_most` or lower, the lowest first;
- long_handle: handled (answer to end) `handle_minutes_at_least` or longer, longest first;
- negative_sentiment: the customer's mood sank to `sentiment_below` or lower, worst first;
- keyword: the conversation says the keyword (a whole word or phrase, any case), newest first.
"""

import random
import re
from dataclasses import dataclass
from datetime import datetime

KINDS = ("random", "low_csat", "long_handle", "negative_sentiment", "keyword")


@dataclass(frozen=True)
class Rule:
    id: int
    kind: str
    per_agent: int = 2
    csat_at_most: int = 2
    handle_minutes_at_least: int = 10
    sentiment_below: float = -0.3
    keyword: str = ""


@dataclass(frozen=True)
class Candidate:
    interaction_id: str
    agent_id: int
    ended_at: datetime
    csat: int | None = None
    handle_seconds: float | None = None
    lowest_sentiment: float | None = None
    text: str = ""  # the conversation's words, for keyword rules


@dataclass(frozen=True)
class Pick:
    interaction_id: str
    agent_id: int
    reason: str  # in words, for the evaluator: "CSAT 1", "handled 23 min", …


def reason(rule: Rule, c: Candidate) -> str | None:
    """Why the rule would pick this candidate; None when it does not fit."""
    match rule.kind:
        case "random":
            return "random"
        case "low_csat" if c.csat is not None and c.csat <= rule.csat_at_most:
            return f"CSAT {c.csat}"
        case "long_handle" if (
            c.handle_seconds is not None and c.handle_seconds >= rule.handle_minutes_at_least * 60
        ):
            return f"handled {round(c.handle_seconds / 60)} min"
        case "negative_sentiment" if (
            c.lowest_sentiment is not None and c.lowest_sentiment <= rule.sentiment_below
        ):
            return f"sentiment {c.lowest_sentiment:+.2f}"
        case "keyword" if rule.keyword.strip() and _says(c.text, rule.keyword):
            return f"said “{rule.keyword.strip()}”"
    return None


def _says(text: str, keyword: str) -> bool:
    words = r"\s+".join(re.escape(w) for w in keyword.split())
    return re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None


def _worst_first(rule: Rule, c: Candidate) -> tuple:
    match rule.kind:
        case "low_csat":
            return (c.csat, -c.ended_at.timestamp())
        case "long_handle":
            return (-(c.handle_seconds or 0), -c.ended_at.timestamp())
        case "negative_sentiment":
            return (c.lowest_sentiment, -c.ended_at.timestamp())
    return (-c.ended_at.timestamp(),)


def pick(
    rule: Rule,
    candidates: list[Candidate],
    already: dict[int, int],
    picked_before: set[str],
    seed: str,
) -> list[Pick]:
    """The picks for this period: per agent, up to `per_agent` less those `already` picked
    for them in the period, never one picked before."""
    fitting: dict[int, list[tuple[Candidate, str]]] = {}
    for c in sorted(candidates, key=lambda c: c.interaction_id):  # a stable draw
        if c.interaction_id in picked_before:
            continue
        if (why := reason(rule, c)) is not None:
            fitting.setdefault(c.agent_id, []).append((c, why))
    draw = random.Random(seed)
    picks = []
    for agent_id in sorted(fitting):
        room = rule.per_agent - already.get(agent_id, 0)
        if room <= 0:
            continue
        found = fitting[agent_id]
        if rule.kind == "random":
            chosen = draw.sample(found, min(room, len(found)))
        else:
            chosen = sorted(found, key=lambda f: _worst_first(rule, f[0]))[:room]
        picks += [Pick(c.interaction_id, agent_id, why) for c, why in chosen]
    return picks
