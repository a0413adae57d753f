"""Who may do what: agents, supervisors, QA specialists and admins, as Django groups. Team
leads are whoever leads a team (routing.models.Team): contactcenter/access.py asks that."""

import functools
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

AGENTS = "agents"
SUPERVISORS = "supervisors"
# Score and calibrate evaluations of anyone's work; supervise no live work.
QA_SPECIALISTS = "qa specialists"


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=SUPERVISORS).exists()


def is_qa_specialist(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=QA_SPECIALISTS).exists()


# Who else counts as an agent, beyond the groups: apps above the kernel add their checks
# (routing: anyone with an agent profile), so roles imports none of them.
_agent_checks: list[Callable[[AbstractBaseUser], bool]] = []


def counts_as_agent(check: Callable[[AbstractBaseUser], bool]) -> None:
    if check not in _agent_checks:
        _agent_checks.append(check)


def is_agent(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Supervisors, members of the agents group, and whoever an app counts (an agent
    profile)."""
    if not user.is_authenticated:
        return False
    return (
        is_supervisor(user)
        or user.groups.filter(name=AGENTS).exists()
        or any(check(user) for check in _agent_checks)
    )


def role_required[V: Callable](role: Callable[..., bool], refusal: str) -> Callable[[V], V]:
    """Anonymous users go to the login page; those without the role get 403."""

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def check(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not role(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return check  # type: ignore[return-value]

    return decorate


supervisor_required = role_required(is_supervisor, "supervisors only")
agent_required = role_required(is_agent, "This account is not an agent.")
