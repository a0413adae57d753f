"""Who is acting: a user, the role they act in, and the shell they came through."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser

from contactcenter.access import supervised_agents
from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError

Via = Literal["console", "api", "supervisor"]


class Forbidden(DomainError):
    """Not this actor's to do (who they are): 403, or a socket's `forbidden`."""


class NotVisible(Forbidden):
    """Something the actor may not even see: the API answers 404 as if it did not exist."""


@dataclass(frozen=True)
class Actor:
    """A person acting: `role` is `supervisor` for supervisors (superusers included) and
    team leads, `agent` for everyone else an action lets through; `team` is whom a team lead
    supervises (None: a supervisor, everyone); `via` is the shell, for the log."""

    user: AbstractBaseUser
    role: Literal["agent", "supervisor"]
    via: Via
    team: frozenset[int] | None = None

    @classmethod
    def of(cls, user: AbstractBaseUser, via: Via) -> "Actor":
        team = supervised_agents(user)
        if team is None:
            return cls(user, "supervisor", via)
        # A team lead acts as a supervisor, of their team only.
        return cls(user, "supervisor", via, team) if team else cls(user, "agent", via)

    @property
    def id(self) -> int:
        return self.user.pk

    @property
    def is_supervisor(self) -> bool:
        """A supervisor of the whole center (not a team lead)."""
        return self.role == "supervisor" and self.team is None

    def supervises(self, agent_id: int | None) -> bool:
        """Whether the actor supervises that agent (None, nobody: only a supervisor)."""
        if self.role != "supervisor":
            return False
        return self.team is None or agent_id in self.team

    @property
    def name(self) -> str:
        """The actor as the log names it: `agent:7`, `supervisor:3`."""
        return f"{self.role}:{self.user.pk}"

    @property
    def as_agent(self) -> str:
        """The name of one acting as the agent they are (their own offers and presence)."""
        return f"agent:{self.user.pk}"

    def display_name(self) -> str:
        from routing import config

        profile = config.current().agents.get(self.user.pk)
        return profile.name if profile else self.user.get_full_name() or self.user.get_username()

    def require_supervisor(self) -> None:
        """A supervisor of the whole center."""
        if not self.is_supervisor:
            raise NotASupervisor("only supervisors can do that")

    def require_supervising(self, agent_id: int | None) -> None:
        """A supervisor, or the lead of a team the agent is in."""
        if not self.supervises(agent_id):
            raise NotASupervisor("only supervisors, and team leads of the agent's team")

    @contextlib.contextmanager
    def acting(self, name: str | None = None) -> Iterator[None]:
        """Events appended inside name this actor (or `name`) in their metadata."""
        with acting_as(name or self.name):
            yield


class NotASupervisor(DomainError):
    """A supervisor's action asked by someone else (the supervisors' socket says `refused`)."""
