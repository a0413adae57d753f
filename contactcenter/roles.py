"""Who may do what: agents, supervisors, QA specialists and admins, as Django groups. Team
leads are whoever leads a team (routing.models.Team): contactcenter/access.py asks that."""

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

AGENTS = "agents"
SUPERVISORS = "supervisors"
# Score and calibrate evaluations of anyone's work; supervise no live work.
QA_SPECIALISTS = "qa specialists"


# Within one request or socket frame (`one_request`), who someone is gets asked once: an
# agent's accept asked for their groups four times and their team twice. Nothing is kept
# past it, so a role taken away counts from the next request on.
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("roles_memo", default=None)


@contextlib.contextmanager
def one_request() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(kind: str, user_id: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per request for this kind of answer about this user."""
    memo = _memo.get()
    if memo is None:
        return compute()
    key = (kind, user_id)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def group_names(user: AbstractBaseUser) -> frozenset[str]:
    return remembered(
        "groups", user.pk, lambda: frozenset(user.groups.values_list("name", flat=True))
    )


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return SUPERVISORS in group_names(user)


def is_qa_specialist(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return QA_SPECIALISTS in group_names(user)


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
        or AGENTS in group_names(user)
        or remembered("agent", user.pk, lambda: any(check(user) for check in _agent_checks))
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


class OneRequestMiddleware:
    """Who the user is gets asked once per request (`one_request`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with one_request():
            return self.get_response(request)
