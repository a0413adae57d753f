"""Who may do what: agents, supervisors and admins, as Django groups."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

AGENTS = "agents"
SUPERVISORS = "supervisors"


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=SUPERVISORS).exists()


def is_agent(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Supervisors, members of the agents group, and anyone with an agent profile."""
    if not user.is_authenticated:
        return False
    from routing.models import AgentProfile

    return (
        is_supervisor(user)
        or user.groups.filter(name=AGENTS).exists()
        or AgentProfile.objects.filter(user_id=user.pk).exists()
    )
