"""What a widget visitor is pushed, and the web chat's place among the channel adapters.

Every event of a chat's interaction stream reaches the visitor's group as either a frame they
may see (messages to and from them, an agent joining, the chat closing) or a bare `tick`
carrying only the version, so the widget can tell a missed push from a hidden event. Its
agent reading their messages reaches them as a `read` receipt. Whenever work joins or leaves a
queue's line, every visitor waiting in that queue is told their place (`queue_position`): one
read of the line per change, where each waiting widget used to ask every few seconds."""

from typing import Any

from channels_adapters.base import Capabilities, DeliveryResult, OutboundMessage
from channels_adapters.webchat import visitor as visitors
from contactcenter import clock, groups
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions.models import Interaction
from routing import waiting

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
    ids = {
        e.data["interaction_id"]
        for e in events
        if e.stream_id.startswith("interaction-") and "interaction_id" in e.data
    }
    if not ids:
        return {}
    rows = {
        row.id: row
        for row in Interaction.objects.filter(pk__in=ids).only(
            "id", "channel", "channel_key", "threading_key", "answered_at", "queue_id"
        )
    }
    by_group: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        chat = rows.get(event.data.get("interaction_id", ""))
        if chat is None or chat.channel != "webchat" or not chat.threading_key:
            continue
        group = groups.visitor(chat.channel_key, chat.threading_key)
        by_group.setdefault(group, []).append(_frame(event, chat))
    for queue_id in _lines_changed(events, rows):
        for chat, standing in waiting.places(queue_id, clock.now(), channel="webchat"):
            if chat.threading_key:
                group = groups.visitor(chat.channel_key, chat.threading_key)
                frame = {"type": "queue_position", **visitors.place_in_line(standing)}
                by_group.setdefault(group, []).append(frame)
    return by_group


def _lines_changed(events: list[RecordedEvent], rows: dict[str, Interaction]) -> set[int]:
    """The queues whose line these events changed: where the work was queued, or is now."""
    queue_ids = set()
    for event in events:
        if event.type in LINE_CHANGES:
            row = rows.get(event.data.get("interaction_id", ""))
            queue_ids |= {event.data.get("queue_id"), row.queue_id if row else None}
    return queue_ids - {None}


def _frame(event: RecordedEvent, chat: Interaction) -> dict[str, Any]:
    base = {"interaction_id": chat.id, "version": event.version, "position": event.position}
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
                "can_rate": chat.answered_at is not None,
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
