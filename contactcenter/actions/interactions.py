"""Actions on one interaction: reply, note, answer an offer, transfer, end, wrap up, close.
The console's socket and the REST API both call these, so both meet the same rules."""

from datetime import date, datetime

from django.utils import timezone

from contactcenter import groups
from contactcenter.actions import rules
from contactcenter.actions.actor import Actor, Forbidden
from contactcenter.commands import command
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, InvalidTransition, State, require_length
from contactcenter.interactions.models import TranscriptEntry
from contactcenter.scripts import commands as scripts
from routing import offers
from routing.models import AgentState


def send(
    actor: Actor,
    interaction_id: str,
    text: str,
    *,
    client_message_id: str = "",
    subject: str = "",
    cc: list[str] | None = None,
    attachments: list[dict] | None = None,
) -> str:
    """A reply to the customer; returns the message id. The agent holding the interaction
    writes as an agent, a supervisor acting for them as a supervisor. `attachments`: files
    already kept (contactcenter.attachments.files.keep); with one, the text may be empty."""
    row = rules.visible(actor, interaction_id)
    rules.acting_for(actor, row)
    text = text.strip()
    if not text and not attachments:
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
            attachments=attachments,
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


def read(actor: Actor, interaction_id: str, up_to_position: int) -> bool:
    """The actor's console showed them the conversation up to `up_to_position` (a log
    position). For the agent handling it, that is the customer's read receipt: recorded
    once for each customer message newly seen, never for a repeat of the same view, so a
    console may say so as often as it redraws. True when a receipt was recorded."""
    row = rules.visible(actor, interaction_id)
    if not rules.handles(actor, row) or up_to_position <= row.read_position:
        return False
    last = (
        TranscriptEntry.objects.filter(
            interaction_id=interaction_id,
            kind=TranscriptEntry.Kind.INBOUND,
            position__gt=row.read_position,
            position__lte=up_to_position,
        )
        .order_by("-position")
        .values_list("id", "position")
        .first()
    )
    if last is None:
        return False
    with actor.acting(actor.as_agent):
        return interactions.mark_read(
            interaction_id, agent_id=actor.id, message_id=last[0], message_position=last[1]
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


@command
def accept(actor: Actor, interaction_id: str, offer_id: str = "") -> None:
    """The check and the accept are one transaction: the rows the check read, the
    interaction's and the state of the agent it is offered to, are the ones the projections
    write, not read again (at every offer an agent takes, issue 18)."""
    row, agent_state = rules.visible_with(actor, interaction_id, "offer_agent_id", AgentState)
    offer_id = rules.offered_to(actor, row, offer_id)
    with actor.acting(actor.as_agent):
        offers.accept_offer(interaction_id, offer_id, actor.id, row=row, agent_state=agent_state)


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


def hand_over(actor: Actor, interaction_id: str, to_agent_id: int, *, note: str = "") -> None:
    """A warm transfer to a colleague already on the call (a consult): theirs at once."""
    row = rules.visible(actor, interaction_id)
    agent_id = rules.acting_for(actor, row)
    require_length("a transfer note", note, rules.TRANSFER_NOTE_MAX_CHARS)
    with actor.acting():
        offers.hand_over(interaction_id, by_agent_id=agent_id, to_agent_id=to_agent_id, note=note)


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
    call_back_at: str | datetime = "",
) -> None:
    """`follow_up_on` (a day) or `call_back_at` (a time) schedules a follow-up: then the
    conversation comes back to this agent (contactcenter/followups)."""
    row = rules.visible(actor, interaction_id)
    agent_id = rules.acting_for(actor, row)
    if row.state != State.WRAP_UP:
        raise InvalidTransition("wrap up", State(row.state))
    require_length("a disposition", disposition, rules.DISPOSITION_MAX_CHARS)
    if missing := scripts.required_missing(interaction_id, row.queue_id):
        raise DomainError(f"the script's required steps are not done: {'; '.join(missing)}")
    with actor.acting():
        offers.wrap_up(
            interaction_id,
            agent_id,
            disposition=disposition,
            notes=notes,
            follow_up_on=_date(follow_up_on),
            call_back_at=_time(call_back_at),
        )


def script_step(actor: Actor, interaction_id: str, step: str, choice: str = "") -> None:
    """The agent holding the conversation did a step of its script (contactcenter/scripts)."""
    row = rules.visible(actor, interaction_id)
    agent_id = rules.acting_for(actor, row)
    if row.state not in (State.ACTIVE, State.WRAP_UP):
        raise InvalidTransition("follow the script", State(row.state))
    require_length("a script step", step, 50)
    require_length("an answer", choice, 200)
    with actor.acting():
        scripts.mark_done(interaction_id, agent_id, step, choice)


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


def _time(value: str | datetime) -> str:
    """An ISO time with its offset; one without (a browser's datetime-local) is in the
    platform's time zone."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise DomainError(f"{value!r} is not a time (YYYY-MM-DDTHH:MM)") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.isoformat()
