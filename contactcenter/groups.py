"""Every channel-layer group name the platform uses, in one place."""

import hashlib


def agent(user_id: int) -> str:
    """An agent's consoles: their offers, presence, and what they hold."""
    return f"agent.{user_id}"


def interaction(interaction_id: str) -> str:
    """Everyone watching one interaction: the agent on it, supervisors monitoring."""
    return f"interaction.{interaction_id}"


def visitor(channel_key: str, visitor_id: str) -> str:
    """A web chat visitor's widget (every tab they have open)."""
    digest = hashlib.sha256(f"{channel_key}:{visitor_id}".encode()).hexdigest()[:40]
    return f"visitor.{digest}"


def call_media(interaction_id: str) -> str:
    """The process terminating a call's audio (its Media Stream's consumer): hold, resume,
    keys, supervision reach the call's room through it, whichever process took the request."""
    return f"media.{interaction_id}"


SUPERVISORS = "supervisors"
ALERTS = "alerts"  # every console, for the slow-moving alerts
