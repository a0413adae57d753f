"""Canned responses filled in for one conversation (a read: nothing is appended)."""

from contactcenter.actions import rules
from contactcenter.actions.actor import Actor
from contactcenter.console import canned, state
from contactcenter.console.models import CannedResponse
from contactcenter.interactions.domain import DomainError
from crm.models import Customer


def canned_text(actor: Actor, interaction_id: str, canned_id: int) -> str:
    row = rules.visible(actor, interaction_id)
    response = CannedResponse.objects.filter(pk=canned_id, active=True).first()
    if response is None:
        raise DomainError("no such canned response")
    customer = Customer.objects.filter(pk=row.customer_id).first()
    queue = state.config.queue(row.queue_id)
    name = actor.display_name()
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
