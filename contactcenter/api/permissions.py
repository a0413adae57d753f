"""Who may call the API: agents and supervisors (roles), and for the event feed supervisors
or tokens given that right. Which interactions each may touch is `contactcenter.access`."""

from rest_framework.permissions import BasePermission

from contactcenter.access import ENDED
from contactcenter.api.models import ApiToken
from contactcenter.roles import is_agent, is_supervisor


class IsAgent(BasePermission):
    message = "Only agents and supervisors use the API."

    def has_permission(self, request, view) -> bool:
        return is_agent(request.user)


class CanReadEventFeed(BasePermission):
    message = "The event feed is for supervisors and for tokens allowed to read it."

    def has_permission(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return is_supervisor(request.user) or bool(token and token.can_read_events)


def handles(user, row) -> bool:
    """The user is the agent who has the interaction now."""
    return row.agent_id is not None and row.agent_id == user.pk


def may_act_on(user, row) -> bool:
    """Commands on an interaction: the agent handling it, or a supervisor. An agent's rights
    end with the hand-off (a transfer, or an offer that went back to the queue). Only once the
    interaction has ended may the agent who had it last still ask, so that a late command hears
    the rule (409) rather than a 403: nothing can be done to ended work."""
    ended = row.state in ENDED and row.last_agent_id == user.pk
    return handles(user, row) or ended or is_supervisor(user)
