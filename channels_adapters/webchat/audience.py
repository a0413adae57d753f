"""What a widget visitor is pushed, and the web chat's place among the channel adapters.

Every event of a chat's interaction stream reaches the visitor's group as either a frame they
may see (messages to and from them, an agent joining, the chat closing) or a bare `tick`
carrying only the version, so the widget can tell a missed push from a hidden event. Its
agent reading their messages reaches them as a `read` receipt. Whenever work joins or leaves a
queue's line, every visitor waiting in that queue is told their place (`queue_position`,
lines.py): one read of the line per change or burst of changes, where each waiting widget
used to ask every few seconds."""

import threading
from collections import OrderedDict
from typing import Any

from channels_adapters.base import Capabilities, DeliveryResult, OutboundMessage
from channels_adapters.webchat import lines
from channels_adapters.webchat import visitor as visitors
from contactcenter import groups
from contactcenter.events import store
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions.models import Interaction

# The events after which a queue's line is not what it was: work joined it (a higher
# priority goes ahead of others) or left it, whatever its channel.
LINE_CHANGES = {
    "InteractionQueued",
    "OfferAccepted",
    "InteractionAssigned",
    "InteractionTransferred",
    "InteractionAbandoned",
    "InteractionClosed",
}


class WebChatAdapter:
    """Replies reach the widget by push (see visitor_frames), not through the outbox."""

    channel = "webchat"
    capabilities = Capabilities(
        realtime=True,
        attachments=True,
        stored_files=True,
        max_length=visitors.MAX_TEXT,
        delivered_by_push=True,
    )

    def send(self, message: OutboundMessage) -> DeliveryResult:
        return DeliveryResult(status="sent")


def visitor_frames(events: list[RecordedEvent]) -> dict[str, list[dict[str, Any]]]:
    events = [
        e for e in events if e.stream_id.startswith("interaction-") and "interaction_id" in e.data
    ]
    if not events:
        return {}
    # A message (most pushes) needs only whose conversation it is, known from the first push;
    # the row is read for a conversation new to this process, an ending (may they rate it?)
    # and a change to a queue's line.
    wanted = {
        e.data["interaction_id"]
        for e in events
        if e.type in NEEDS_ROW or e.data["interaction_id"] not in _visitor_groups
    }
    rows = {row.id: row for row in store.as_committed(Interaction, sorted(wanted))}
    with _remembering:  # commits push from many threads
        for row in rows.values():
            _remember(row)
        known = {i: _visitor_groups.get(i) for i in {e.data["interaction_id"] for e in events}}
    by_group: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        interaction_id = event.data["interaction_id"]
        group = known[interaction_id]
        if group is None:
            continue
        row = rows.get(interaction_id)
        answered = row is not None and row.answered_at is not None
        by_group.setdefault(group, []).append(_frame(event, interaction_id, answered))
    lines.moved(_lines_changed(events, rows))  # told once these frames are sent (lines.py)
    return by_group


# The events whose frame (or the line they change) needs the interaction's row as it is now.
NEEDS_ROW = LINE_CHANGES | {"WrapUpStarted", "InteractionClosed", "InteractionAbandoned"}
# Each interaction's visitor group, or None when it is not a visitor's web chat: what never
# changes once the interaction is made (its channel and threading key), for the newest ones.
REMEMBERED = 20_000
_visitor_groups: OrderedDict[str, str | None] = OrderedDict()
_remembering = threading.Lock()


def _remember(row: Interaction) -> None:
    is_visitors = row.channel == "webchat" and bool(row.threading_key)
    _visitor_groups[row.id] = (
        groups.visitor(row.channel_key, row.threading_key) if is_visitors else None
    )
    _visitor_groups.move_to_end(row.id)
    while len(_visitor_groups) > REMEMBERED:
        _visitor_groups.popitem(last=False)


def _lines_changed(events: list[RecordedEvent], rows: dict[str, Interaction]) -> set[int]:
    """The queues whose line these events changed: where the work was queued, or is now."""
    queue_ids = set()
    for event in events:
        if event.type in LINE_CHANGES:
            row = rows.get(event.data.get("interaction_id", ""))
            queue_ids |= {event.data.get("queue_id"), row.queue_id if row else None}
    return queue_ids - {None}


def _frame(event: RecordedEvent, interaction_id: str, answered: bool) -> dict[str, Any]:
    base = {"interaction_id": interaction_id, "version": event.version, "position": event.position}
    data = event.data
    match event.type:
        case "MessageReceived":
            return {
                **base,
                "type": "message",
                "message": {
                    "id": data["message_id"],
                    "client_message_id": data.get("external_id", ""),
                    "author": "customer",
                    "name": "",
                    "text": data.get("text", ""),
                    "options": [],
                    "attachments": visitors.files_for_visitor(data.get("attachments")),
                    "at": event.occurred_at.isoformat(),
                },
            }
        case "MessageSent":
            author = data.get("author", "system")
            return {
                **base,
                "type": "message",
                "message": {
                    "id": data["message_id"],
                    "client_message_id": "",
                    "author": "agent" if author.startswith(("agent:", "supervisor:")) else author,
                    "name": data.get("author_name", ""),
                    "text": data.get("text", ""),
                    "options": (data.get("channel_data", {}).get("flow") or {}).get("options", []),
                    "attachments": visitors.files_for_visitor(data.get("attachments")),
                    "at": event.occurred_at.isoformat(),
                },
            }
        case "OfferAccepted" | "InteractionAssigned":
            return {**base, "type": "agent_joined", "agent": visitors.agent_card(data["agent_id"])}
        case "SupervisorBarged":
            return {
                **base,
                "type": "agent_joined",
                "agent": {"name": data.get("supervisor_name") or "A supervisor", "avatar_url": ""},
            }
        case "InteractionTransferred":
            return {**base, "type": "transferred"}
        case "WrapUpStarted" | "InteractionClosed" | "InteractionAbandoned":
            return {
                **base,
                "type": "closed",
                "can_rate": answered,
                "state": {
                    "WrapUpStarted": "wrap_up",
                    "InteractionClosed": "closed",
                    "InteractionAbandoned": "abandoned",
                }[event.type],
            }
        case "InteractionQueued" | "InteractionReopened":
            return {
                **base,
                "type": "state",
                "state": "queued" if event.type == "InteractionQueued" else "new",
            }
        case "CsatRated":
            return {**base, "type": "rated"}
        case "MessagesRead":
            return {**base, "type": "read", "message_id": data["message_id"]}
        case _:
            return {**base, "type": "tick"}
