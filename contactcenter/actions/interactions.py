"""Actions on one interaction: reply, note, answer an offer, transfer, end, wrap up, close.
The console's socket and the REST API both call these, so both meet the same rules."""

from datetime import date

from contactcenter import groups
from contactcenter.actions import rules
from contactcenter.actions.actor import Actor, Forbidden
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, InvalidTransition, State, require_length
from routing import offers


def send(
    actor: Actor,
    interaction_id: str,
    text: str,
    *,
    client_message_id: str = "",
    subject: str = "",
    cc: list[str] | None = None,
) -> str:
    """A reply to the customer; returns the message id. The agent holding the interaction
    writes as an agent, a supervisor acting for them as a supervisor."""
    row = rules.visible(actor, interaction_id)
    rules.acting_for(actor, row)
    text = text.strip()
    if not text:
        raise DomainError("an empty reply")
    if cc and len(cc) > rules.CC_MAX_ADDRESSES:
        raise DomainError(f"{len(cc)} cc addresses: at most {rules.CC_MAX_ADDRESSES}")
    author = actor.as_agent if rules.handles(actor, row) else actor.name
    with actor.acting(author):
        return interactions.send_message(
            interaction_id,
            author=author,
            author_name=actor.display_name(),
            text=text,
            subject=subject,
            channel_data={"cc": [str(a) for a in cc]} if cc else {},
            client_message_id=client_message_id or None,
        )


def note(actor: Actor, interaction_id: str, text: str) -> str:
    """An internal note: for anyone who may see the interaction."""
    rules.visible(actor, interaction_id)
    if not text.strip():
        raise DomainError("an empty note")
    with actor.acting():
        return interactions.add_note(
            interaction_id, text.strip(), author=actor.name, author_name=actor.display_name()
        )


def typing_audience(actor: Actor, interaction_id: str) -> list[str]:
    """Who sees the agent typing besides the interaction's watchers: the web chat visitor.
    Only the agent holding it types to the customer, so a watcher cannot pose as the agent."""
    row = rules.visible(actor, interaction_id)
    if not rules.handles(actor, row):
        raise Forbidden("you are not handling this interaction")
    if row.channel != "webchat":
        return []
    return [groups.visitor(row.channel_key, row.threading_key)]


def accept(actor: Actor, interaction_id: str, offer_id: str = "") -> None:
    row = rules.visible(actor, interaction_id)
    offer_id = rules.offered_to(actor, row, offer_id)
    with actor.acting(actor.as_agent):
        offers.accept_offer(interaction_id, offer_id, actor.id)


def reject(actor: Actor, interaction_id: str, offer_id: str = "", reason: str = "") -> None:
    row = rules.visible(actor, interaction_id)
    offer_id = rules.offered_to(actor, row, offer_id)
    require_length("a reason", reason, rules.REASON_MAX_CHARS)
    with actor.acting(actor.as_agent):
        offers.reject_offer(interaction_id, offer_id, actor.id, reason)


def transfer(
    actor: Actor,
    interaction_id: str,
    kind: str,
    *,
    to_queue_id: int | None = None,
    to_agent_id: int | None = None,
    note: str = "",
) -> None:
    row = rules.visible(actor, interaction_id)
    agent_id = rules.acting_for(actor, row)
    require_length("a transfer note", note, rules.TRANSFER_NOTE_MAX_CHARS)
    with actor.acting():
        offers.transfer(
            interaction_id,
            by_agent_id=agent_id,
            kind=kind,
            to_queue_id=to_queue_id,
            to_agent_id=to_agent_id,
            note=note,
        )


def end(actor: Actor, interaction_id: str) -> None:
    row = rules.visible(actor, interaction_id)
    agent_id = rules.acting_for(actor, row)
    with actor.acting():
        offers.end_conversation(interaction_id, agent_id)


def wrap_up(
    actor: Actor,
    interaction_id: str,
    disposition: str,
    *,
    notes: str = "",
    follow_up_on: str | date = "",
) -> None:
    row = rules.visible(actor, interaction_id)
    agent_id = rules.acting_for(actor, row)
    if row.state != State.WRAP_UP:
        raise InvalidTransition("wrap up", State(row.state))
    require_length("a disposition", disposition, rules.DISPOSITION_MAX_CHARS)
    with actor.acting():
        offers.wrap_up(
            interaction_id,
            agent_id,
            disposition=disposition,
            notes=notes,
            follow_up_on=_date(follow_up_on),
        )


def close(actor: Actor, interaction_id: str, reason: str) -> None:
    row = rules.visible(actor, interaction_id)
    rules.acting_for(actor, row)
    with actor.acting():
        interactions.close(interaction_id, reason)


def _date(value: str | date) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise DomainError(f"{value!r} is not a date (YYYY-MM-DD)") from None
