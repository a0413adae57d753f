"""Who is acting: a user, the role they act in, and the shell they came through."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser

from contactcenter.events.context import acting_as
from contactcenter.interactions.domain import DomainError
from contactcenter.roles import is_supervisor

Via = Literal["console", "api", "supervisor"]


class Forbidden(DomainError):
    """Not this actor's to do (who they are): 403, or a socket's `forbidden`."""


class NotVisible(Forbidden):
    """Something the actor may not even see: the API answers 404 as if it did not exist."""


@dataclass(frozen=True)
class Actor:
    """A person acting: `role` is `supervisor` for supervisors (superusers included) and
    `agent` for everyone else an action lets through; `via` is the shell, for the log."""

    user: AbstractBaseUser
    role: Literal["agent", "supervisor"]
    via: Via

    @classmethod
    def of(cls, user: AbstractBaseUser, via: Via) -> "Actor":
        return cls(user, "supervisor" if is_supervisor(user) else "agent", via)

    @property
    def id(self) -> int:
        return self.user.pk

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

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
        if not self.is_supervisor:
            raise NotASupervisor("only supervisors can do that")

    @contextlib.contextmanager
    def acting(self, name: str | None = None) -> Iterator[None]:
        """Events appended inside name this actor (or `name`) in their metadata."""
        with acting_as(name or self.name):
            yield


class NotASupervisor(DomainError):
    """A supervisor's action asked by someone else (the supervisors' socket says `refused`)."""
