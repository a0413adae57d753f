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
    if not user.is_authenticated:
        return False
    return is_supervisor(user) or user.groups.filter(name=AGENTS).exists()
