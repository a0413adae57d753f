"""Actions on a customer: notes, and merging the duplicate a conversation suggests."""

from contactcenter.actions import rules
from contactcenter.actions.actor import Actor, Forbidden
from contactcenter.interactions.domain import DomainError, require_length
from crm import customers

PROFILE_FIELDS = {"name": 200, "company": 200, "language": 20}  # the Customer row's lengths


def add_note(actor: Actor, customer_id: str, text: str) -> str:
    rules.customer_visible(actor, customer_id)
    with actor.acting():
        return customers.add_note(
            customer_id, text, author=actor.name, author_name=actor.display_name()
        )


def edit_profile(actor: Actor, customer_id: str, changes: dict[str, str]) -> list[str]:
    """The agent corrects the customer's name, company or language; returns the fields that
    changed (none: nothing is appended). The event names the agent, for the timeline."""
    rules.customer_visible(actor, customer_id)
    for field, value in changes.items():
        if field not in PROFILE_FIELDS:
            raise DomainError(f"{field!r} is not a profile field one edits")
        require_length(f"a {field}", value, PROFILE_FIELDS[field])
    with actor.acting():
        return customers.edit_profile(customer_id, {k: v.strip() for k, v in changes.items()})


def merge_possible_match(actor: Actor, interaction_id: str, into_customer_id: str) -> None:
    """The agent confirms the possible match the console showed: this conversation's customer
    is the known one. Only a match the conversation itself suggests, and only by the agent
    holding it or a supervisor acting for them; the merge records who did it (its actor)."""
    from contactcenter.console.state import possible_matches

    row = rules.visible(actor, interaction_id)
    if not (rules.handles(actor, row) or actor.supervises(row.agent_id)):
        raise Forbidden("you are not handling this interaction")
    if into_customer_id not in {m["customer_id"] for m in possible_matches(row)}:
        raise Forbidden("that customer is not a possible match of this conversation")
    with actor.acting():
        customers.merge(row.customer_id, into_id=into_customer_id)
