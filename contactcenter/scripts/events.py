"""Events of guided scripts, on the interaction's stream. docs/events.md."""

from dataclasses import dataclass

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class ScriptStepDone(DomainEvent):
    """The agent marked a step of the conversation's script done (with the answer chosen,
    for a step that asks a question)."""

    interaction_id: str
    script: str  # the script's name
    step: str
    choice: str = ""
    agent_id: int
