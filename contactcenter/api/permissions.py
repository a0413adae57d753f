"""Who may call the API: agents and supervisors (roles), and for the event feed supervisors
or tokens given that right. Which interactions each may see is `contactcenter.access`; what
each may do to them, `contactcenter.actions`."""

from rest_framework.permissions import BasePermission

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
