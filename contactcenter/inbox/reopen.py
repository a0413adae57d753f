"""Following up a closed conversation: the agent writes to the customer again on the channel
the conversation was on. A new outbound interaction, held by the agent, threaded where the
channel threads (an e-mail goes into the same thread), with the first message in the same
command, so both are one fact."""

from django.contrib.auth.models import AbstractBaseUser

from contactcenter.access import ENDED, can_open, may_start_in
from contactcenter.commands import command
from contactcenter.events.context import acting_as
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.roles import is_supervisor


class NotVisible(DomainError):
    pass


class StillOpen(DomainError):
    pass


def follow_up(user: AbstractBaseUser, interaction_id: str, text: str, name: str) -> str:
    """Returns the new interaction's id."""
    if not can_open(user, interaction_id):
        raise NotVisible("that conversation is not one you may open")
    row = Interaction.objects.get(pk=interaction_id)
    if row.state not in ENDED:
        raise StillOpen("that conversation is still open: reply in it")
    if not text.strip():
        raise DomainError("an empty follow-up")
    actor = f"{'supervisor' if is_supervisor(user) else 'agent'}:{user.pk}"
    with acting_as(actor):
        return _start(row, user.pk, text.strip(), name, may_start_in(user, row.queue_id))


@command
def _start(row: Interaction, agent_id: int, text: str, name: str, in_queue: bool) -> str:
    new_id = interactions.start_outbound(
        channel=row.channel,
        channel_key=row.channel_key,
        customer_id=row.customer_id,
        agent_id=agent_id,
        queue_id=row.queue_id if in_queue else None,
        subject=row.subject,
        threading_key=row.threading_key,
    )
    interactions.send_message(
        new_id,
        author=f"agent:{agent_id}",
        author_name=name,
        text=text,
        subject=row.subject,
    )
    return new_id
