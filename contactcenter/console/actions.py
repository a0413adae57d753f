"""What an agent can do from the console, with the checks that belong to who is asking.
The rules themselves are in the domain and routing commands; this is the shell's part."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from contactcenter import groups
from contactcenter.access import can_see_customer
from contactcenter.console import canned, state
from contactcenter.console.models import CannedResponse
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.roles import is_supervisor
from crm import customers
from crm.models import Customer
from routing import offers, presence


class Forbidden(DomainError):
    pass


def actor(user: AbstractBaseUser) -> str:
    return f"{'supervisor' if is_supervisor(user) else 'agent'}:{user.pk}"


def _interaction(user: AbstractBaseUser, interaction_id: str) -> Interaction:
    if not state.viewable(user, interaction_id):
        raise Forbidden("that interaction is not in your queues")
    return Interaction.objects.get(pk=interaction_id)


def _handling(user: AbstractBaseUser, interaction_id: str) -> Interaction:
    row = _interaction(user, interaction_id)
    if row.agent_id != user.pk:
        raise Forbidden("you are not handling this interaction")
    return row


def typing_audience(user: AbstractBaseUser, interaction_id: str) -> list[str]:
    """Who sees the handling agent typing besides the interaction's watchers: the web chat
    visitor. Anyone else typing is refused, so a watcher cannot pose as the agent."""
    row = _handling(user, interaction_id)
    if row.channel != "webchat":
        return []
    return [groups.visitor(row.channel_key, row.threading_key)]


def set_presence(user, presence_: str, reason: str = "") -> None:
    with acting_as(f"agent:{user.pk}"):
        presence.set_presence(user.pk, presence_, reason, changed_by="agent")


def accept(user, interaction_id: str, offer_id: str) -> dict[str, Any]:
    with acting_as(f"agent:{user.pk}"):
        offers.accept_offer(interaction_id, offer_id, user.pk)
    return state.interaction_view(interaction_id, user)


def reject(user, interaction_id: str, offer_id: str, reason: str = "") -> None:
    with acting_as(f"agent:{user.pk}"):
        offers.reject_offer(interaction_id, offer_id, user.pk, reason[:200])


def send(
    user,
    interaction_id: str,
    text: str,
    client_message_id: str,
    *,
    subject: str = "",
    cc: list[str] | None = None,
) -> str:
    _handling(user, interaction_id)
    text = text.strip()
    if not text:
        raise DomainError("an empty reply")
    channel_data = {"cc": [str(a) for a in cc][:20]} if cc else {}
    with acting_as(actor(user)):
        return interactions.send_message(
            interaction_id,
            author=f"agent:{user.pk}",
            author_name=state.display_name(user),
            text=text,
            subject=subject[:500],
            channel_data=channel_data,
            client_message_id=client_message_id or None,
        )


def note(user, interaction_id: str, text: str) -> str:
    _interaction(user, interaction_id)
    if not text.strip():
        raise DomainError("an empty note")
    with acting_as(actor(user)):
        return interactions.add_note(
            interaction_id, text.strip(), author=actor(user), author_name=state.display_name(user)
        )


def transfer(
    user,
    interaction_id: str,
    kind: str,
    queue_id: int | None = None,
    agent_id: int | None = None,
    note_text: str = "",
) -> None:
    _handling(user, interaction_id)
    with acting_as(f"agent:{user.pk}"):
        offers.transfer(
            interaction_id,
            by_agent_id=user.pk,
            kind=kind,
            to_queue_id=queue_id,
            to_agent_id=agent_id,
            note=note_text[:1000],
        )


def end(user, interaction_id: str) -> None:
    _handling(user, interaction_id)
    with acting_as(f"agent:{user.pk}"):
        offers.end_conversation(interaction_id, user.pk)


def wrap_up(
    user, interaction_id: str, disposition: str, notes: str = "", follow_up_on: str = ""
) -> None:
    _handling(user, interaction_id)
    with acting_as(f"agent:{user.pk}"):
        offers.wrap_up(
            interaction_id,
            user.pk,
            disposition=disposition,
            notes=notes[:5000],
            follow_up_on=_date(follow_up_on),
        )


def _date(value: str) -> str:
    from datetime import date

    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise DomainError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def canned_text(user, interaction_id: str, canned_id: int) -> str:
    row = _interaction(user, interaction_id)
    response = CannedResponse.objects.filter(pk=canned_id, active=True).first()
    if response is None:
        raise DomainError("no such canned response")
    customer = Customer.objects.filter(pk=row.customer_id).first()
    queue = state.config.current().queues.get(row.queue_id or -1)
    name = state.display_name(user)
    return canned.render(
        response.text,
        {
            "customer": {
                "name": customer.name if customer else "",
                "first_name": customer.first_name if customer else "",
            },
            "agent": {"name": name, "first_name": name.split()[0] if name else ""},
            "interaction": {"subject": row.subject},
            "queue": {"name": queue.name if queue else ""},
        },
    )


def customer_note(user, customer_id: str, text: str) -> str:
    if not can_see_customer(user, customer_id):
        raise Forbidden("that customer is not in your queues")
    with acting_as(actor(user)):
        return customers.add_note(
            customer_id, text, author=actor(user), author_name=state.display_name(user)
        )


def merge_possible_match(user, interaction_id: str, into_customer_id: str) -> None:
    """The agent confirms the possible match the console showed: this conversation's customer
    is the known one. Only a match the conversation itself suggests (the e-mail the visitor
    gave belongs to it), and only by the agent holding it or a supervisor; the merge records
    who did it (its actor)."""
    row = _interaction(user, interaction_id)
    if row.agent_id != user.pk and not is_supervisor(user):
        raise Forbidden("you are not handling this interaction")
    if into_customer_id not in {m["customer_id"] for m in state.possible_matches(row)}:
        raise Forbidden("that customer is not a possible match of this conversation")
    with acting_as(actor(user)):
        customers.merge(row.customer_id, into_id=into_customer_id)
