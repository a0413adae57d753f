"""Who may open which interaction: an agent their queues' work and what they hold; a
supervisor everything. A customer is visible through the interactions one may open, never
on their own. The console, the API and attachment downloads all ask here (docs/security.md)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from contactcenter.interactions.models import Interaction
from contactcenter.roles import is_supervisor

ENDED = ("closed", "abandoned")


def agent_queue_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    from routing.models import AgentProfile

    profile = AgentProfile.objects.filter(user_id=user.pk).first()
    return set(profile.queues.values_list("pk", flat=True)) if profile else set()


def visible_interactions(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Interaction]:
    if not user.is_authenticated:
        return Interaction.objects.none()
    if is_supervisor(user):
        return Interaction.objects.all()
    return Interaction.objects.filter(
        Q(queue_id__in=agent_queue_ids(user))
        | Q(agent_id=user.pk)
        | Q(offer_agent_id=user.pk)
        # What one handled stays readable once it ended; handed off live to a queue not
        # one's own, it is someone else's conversation.
        | Q(last_agent_id=user.pk, state__in=ENDED)
    )


def can_open(user: AbstractBaseUser | AnonymousUser, interaction_id: str) -> bool:
    return visible_interactions(user).filter(pk=interaction_id).exists()


def can_see_customer(user: AbstractBaseUser | AnonymousUser, customer_id: str) -> bool:
    """Through work one may open: the customer's interactions, or those of a duplicate merged
    into them."""
    from crm.timeline import customer_ids

    if is_supervisor(user):
        return True
    mine = visible_interactions(user).filter(customer_id__in=customer_ids(customer_id))
    return mine.exists()


def may_start_in(user: AbstractBaseUser | AnonymousUser, queue_id: int | None) -> bool:
    """Work an agent starts goes into one of their queues (or none: then only they hold it)."""
    return queue_id is None or is_supervisor(user) or queue_id in agent_queue_ids(user)
