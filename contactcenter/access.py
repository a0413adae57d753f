"""Who may open which interaction: an agent their queues' work and what they hold; a
supervisor everything. The console, the API and attachment downloads all ask here."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from contactcenter.interactions.models import Interaction
from contactcenter.roles import is_supervisor


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
        | Q(last_agent_id=user.pk)
    )


def can_open(user: AbstractBaseUser | AnonymousUser, interaction_id: str) -> bool:
    return visible_interactions(user).filter(pk=interaction_id).exists()
