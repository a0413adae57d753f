"""Activity lines: what happened in a conversation besides its messages — who joined, who
transferred it where and why, a supervisor joining, the customer leaving and coming back, the
end — shown in the transcript on both sides.

The projection stores each as a `TranscriptEntry` of kind `activity` holding the event's ids
(`channel_data`); the words are put together when the transcript is read, from the names of
now, so a rebuild writes exactly the rows the live projection wrote. Pure: no Django here.
"""

from collections.abc import Callable, Mapping
from typing import Any

# Event type -> how to take its activity from the event's data.
ACTIVITIES: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "OfferAccepted": lambda d: {"activity": "joined", "agent_id": d["agent_id"]},
    "InteractionAssigned": lambda d: {"activity": "joined", "agent_id": d["agent_id"]},
    "InteractionTransferred": lambda d: {
        "activity": "transferred",
        "from_agent_id": d.get("from_agent_id"),
        "kind": d.get("kind", ""),
        "to_queue_id": d.get("to_queue_id"),
        "to_agent_id": d.get("to_agent_id"),
        "note": d.get("note", ""),
    },
    "SupervisorBarged": lambda d: {
        "activity": "supervisor_joined",
        "supervisor_id": d["supervisor_id"],
        "supervisor_name": d.get("supervisor_name", ""),
    },
    "CustomerLeft": lambda d: {"activity": "customer_left"},
    "CustomerReturned": lambda d: {"activity": "customer_returned"},
    "WrapUpStarted": lambda d: {
        "activity": "ended",
        "agent_id": d.get("agent_id"),
        "reason": d.get("reason", ""),
    },
    "InteractionClosed": lambda d: {"activity": "closed", "reason": d.get("reason", "")},
    # Labels and attributes (contactcenter/labels): the value itself stays out (it may be
    # personal, and is sealed in the log); who did it is the event's actor (`by`).
    "ConversationLabelled": lambda d: {"activity": "labelled", "label": d["label"]},
    "ConversationUnlabelled": lambda d: {"activity": "unlabelled", "label": d["label"]},
    "ConversationAttributeSet": lambda d: {
        "activity": "attribute_set",
        "key": d["key"],
        "cleared": not d.get("value"),
    },
    "FollowUpDue": lambda d: {
        "activity": "follow_up_due",
        "agent_id": d.get("agent_id"),
        "requeued": d.get("requeued", True),
    },
}
# Activities whose line names who did it: the event's actor, kept as `by`.
BY_ACTOR = frozenset({"labelled", "unlabelled", "attribute_set"})

Names = Callable[[str, Any], str]  # ("agent" | "queue", id) -> a name


def describe(activity: Mapping[str, Any], name: Names, *, for_customer: bool = False) -> str:
    """One line for the transcript, as the agent (or, `for_customer`, the customer) reads it;
    '' for what the customer need not see."""
    kind = activity.get("activity")
    agent = lambda key: name("agent", activity.get(key)) or "An agent"  # noqa: E731
    if kind == "joined":
        return f"{agent('agent_id')} joined the conversation."
    if kind == "transferred":
        if for_customer:
            return "You are being transferred to a colleague."
        return _transfer(activity, name, agent("from_agent_id"))
    if kind == "supervisor_joined":
        who = activity.get("supervisor_name") or name("agent", activity.get("supervisor_id"))
        return f"{who or 'A supervisor'} (supervisor) joined the conversation."
    if kind == "customer_left":
        return "" if for_customer else "The customer left the chat."
    if kind == "customer_returned":
        return "" if for_customer else "The customer came back."
    if kind == "ended":
        if activity.get("reason") == "customer_left":
            return "" if for_customer else "The conversation ended: the customer left."
        return (
            "The conversation has ended."
            if for_customer
            else f"{agent('agent_id')} ended the conversation."
        )
    if kind == "closed":
        return "" if for_customer else f"Closed ({activity.get('reason') or 'done'})."
    if for_customer:
        return ""  # labels, attributes and follow-ups are the team's business
    if kind in BY_ACTOR:
        who = _actor(activity.get("by", ""), name)
        if kind == "labelled":
            return f"{who} added the label {activity.get('label')}."
        if kind == "unlabelled":
            return f"{who} removed the label {activity.get('label')}."
        verb = "cleared" if activity.get("cleared") else "set"
        return f"{who} {verb} {activity.get('key')}."
    if kind == "follow_up_due":
        if activity.get("requeued"):
            return f"Follow-up due: back in the queue for {agent('agent_id')}."
        return f"Follow-up due for {agent('agent_id')}."
    return ""


def _actor(actor: str, name: Names) -> str:
    """`agent:7` -> the agent's name; `system` and the like as they are."""
    role, _, key = actor.partition(":")
    if role in ("agent", "supervisor") and key.isdigit():
        return name("agent", int(key)) or "An agent"
    return actor or "Someone"


def _transfer(activity: Mapping[str, Any], name: Names, by: str) -> str:
    kind = activity.get("kind")
    if kind == "agent" and activity.get("to_agent_id"):
        to = name("agent", activity["to_agent_id"]) or "a colleague"
    elif kind == "supervisor":
        to = "a supervisor"
    else:
        to = f"the {name('queue', activity.get('to_queue_id')) or 'other'} queue"
    line = f"{by} transferred the conversation to {to}."
    note = activity.get("note")
    return f"{line} Note: {note}" if note else line
