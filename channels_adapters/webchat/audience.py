"""What a widget visitor is pushed, and the web chat's place among the channel adapters.

Every event of a chat's interaction stream reaches the visitor's group as either a frame they
may see (messages to and from them, an agent joining, the chat closing) or a bare `tick`
carrying only the version, so the widget can tell a missed push from a hidden event. Its
agent reading their messages reaches them as a `read` receipt."""

from typing import Any

from channels_adapters.base import Capabilities, DeliveryResult, OutboundMessage
from channels_adapters.webchat import visitor as visitors
from contactcenter import groups
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions.models import Interaction


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
    chats = {
        row.id: row
        for row in Interaction.objects.filter(pk__in=ids, channel="webchat").only(
            "id", "channel_key", "threading_key", "answered_at"
        )
    }
    by_group: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        chat = chats.get(event.data.get("interaction_id", ""))
        if chat is None or not chat.threading_key:
            continue
        group = groups.visitor(chat.channel_key, chat.threading_key)
        by_group.setdefault(group, []).append(_frame(event, chat))
    return by_group


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
