"""Drafts kept on the server per agent and conversation: the composer saves as the agent
types (debounced), and loads the draft when the conversation opens, on any device."""

from contactcenter.inbox.models import Draft
from contactcenter.interactions.domain import MESSAGE_MAX_CHARS


class DraftTooLong(ValueError):
    pass


def read(agent_id: int, interaction_id: str) -> str:
    row = Draft.objects.filter(agent_id=agent_id, interaction_id=interaction_id).first()
    return row.text if row else ""


def write(agent_id: int, interaction_id: str, text: str) -> None:
    """An empty draft is no draft: sending the message, or clearing the box, removes it."""
    if len(text) > MESSAGE_MAX_CHARS:
        raise DraftTooLong(f"a draft is at most {MESSAGE_MAX_CHARS} characters")
    if not text.strip():
        Draft.objects.filter(agent_id=agent_id, interaction_id=interaction_id).delete()
        return
    Draft.objects.update_or_create(
        agent_id=agent_id, interaction_id=interaction_id, defaults={"text": text}
    )
