"""Who may do what: agents, supervisors, QA specialists and admins, as Django groups. Team
leads are whoever leads a team (routing.models.Team): contactcenter/access.py asks that."""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from contactcenter import request_memo

AGENTS = "agents"
SUPERVISORS = "supervisors"
# Score and calibrate evaluations of anyone's work; supervise no live work.
QA_SPECIALISTS = "qa specialists"


# Who someone is (their groups, team, queues) is asked on every request and socket frame:
# an agent's accept asked for their groups four times and their team twice, and each ORM
# query costs about a millisecond of CPU. So whoever provides them (routing, whose
# configuration snapshot every change of groups, teams, agent profiles and queue memberships
# bumps) reads everyone's at once into `People`, and a role taken away counts everywhere
# within seconds (at once in the process that changed it). Answers People has no field for
# are kept per process while the same People stands. Without a provider, answers are kept
# for one request or socket call (contactcenter/request_memo.py) only.
@dataclass(frozen=True, eq=False)
class People:
    """Who everyone is, read for all users at once: the groups of each user in any, the
    members of the teams each team lead leads, and the queues of each agent profile (one
    entry per profile, queues or none). A user of `users` who is not in one of them has none;
    someone else is new since, and their answers are asked of the database."""

    users: frozenset[Any] = frozenset()
    groups: Mapping[Any, frozenset[str]] = field(default_factory=dict)
    led: Mapping[Any, frozenset[Any]] = field(default_factory=dict)
    queues: Mapping[Any, frozenset[int]] = field(default_factory=dict)

    def answer(self, kind: str, user_id: Any) -> Any:
        """The answer to `remembered`'s `kind` of question ("groups", "team", "queues"), or
        _MISSING where People cannot tell."""
        known = {"groups": self.groups, "team": self.led, "queues": self.queues}.get(kind)
        if known is None or user_id not in self.users:
            return _MISSING
        return known.get(user_id, frozenset())

    def has_agent_profile(self, user_id: Any) -> bool | None:
        """None for someone new since."""
        return user_id in self.queues if user_id in self.users else None


_MISSING = object()
_people: Callable[[], People] | None = None
_shared: dict[tuple[str, Any], Any] = {}
_shared_by: list[People | None] = [None]


def take_people_from(people: Callable[[], People] | None) -> None:
    """Take who everyone is from `people()`, which gives the same People while it holds."""
    global _people
    _people = people


def remembered(kind: str, user_id: Any, compute: Callable[[], Any]) -> Any:
    """This kind of answer about this user: from People, else `compute()` once while the same
    People stands (above)."""
    found, value = request_memo.known(kind, user_id)
    if found:
        return value
    if _people is not None:
        people = _people()
        if _shared_by[0] is not people:
            _shared.clear()
            _shared_by[0] = people
        value = people.answer(kind, user_id)
        if value is _MISSING:
            key = (kind, user_id)
            value = _shared.get(key, _MISSING)
            if value is _MISSING:
                value = compute()
                if _shared_by[0] is people:  # not if a change came in while we asked
                    _shared[key] = value
    else:
        value = compute()
    request_memo.keep(kind, user_id, value)
    return value


def forget() -> None:
    """Drop what this process remembers of everyone (tests between databases)."""
    _shared.clear()
    _shared_by[0] = None


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
    """Small questions (who the user is) get asked once per request (request_memo)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo.one_request():
            return self.get_response(request)
