"""Containment, deflection and hand-off reasons, read from the projections.

- Per flow (virtual agent): *contained* conversations closed in self-service after the
  customer confirmed an answer; *handed off*, by reason; *abandoned*: the customer left.
- Help (page and widget): a visit is *deflected* when the visitor said an article answered
  their question and did not start a chat after all."""

from collections import Counter
from typing import Any

from contactcenter.knowledge.models import HelpVisit, VirtualAgentSession


def virtual_agent_by_flow() -> list[dict[str, Any]]:
    flows: dict[str, dict[str, Any]] = {}
    for session in VirtualAgentSession.objects.all():
        row = flows.setdefault(
            session.flow,
            {"flow": session.flow, "conversations": 0, "answers": 0, "reasons": Counter()}
            | dict.fromkeys(("contained", "handed_off", "abandoned", "open"), 0),
        )
        row["conversations"] += 1
        row["answers"] += session.answers
        row[session.outcome or "open"] += 1
        if session.outcome == "handed_off":
            row["reasons"][session.reason] += 1
    out = []
    for row in sorted(flows.values(), key=lambda r: r["flow"]):
        total = row["conversations"]
        row["containment"] = row["contained"] / total if total else 0.0
        row["reasons"] = dict(row["reasons"].most_common())
        out.append(row)
    return out


def deflection() -> dict[str, Any]:
    by_source: dict[str, dict[str, Any]] = {}
    for visit in HelpVisit.objects.all():
        row = by_source.setdefault(
            visit.source,
            {"source": visit.source, "visits": 0, "searches": 0, "viewed": 0, "helpful": 0,
             "not_helpful": 0, "escalated": 0, "deflected": 0},
        )  # fmt: skip
        row["visits"] += 1
        row["searches"] += visit.searches
        row["viewed"] += bool(visit.viewed)
        row["helpful"] += visit.helpful is True
        row["not_helpful"] += visit.helpful is False
        row["escalated"] += visit.escalated
        row["deflected"] += visit.deflected
    for row in by_source.values():
        row["rate"] = row["deflected"] / row["visits"] if row["visits"] else 0.0
    return {"sources": sorted(by_source.values(), key=lambda r: r["source"])}
