"""Follow-ups as people see them: an agent's own (*My follow-ups*) and the wallboard's."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from contactcenter.followups.models import FollowUp
from contactcenter.interactions.models import Interaction
from crm.models import Customer
from routing import config

# A follow-up that came due stays listed this long (or until its conversation is taken).
DUE_SHOWN_FOR = timedelta(days=1)
WALLBOARD_ROWS = 50


def _rows(queryset, now: datetime) -> list[dict[str, Any]]:
    follow_ups = list(queryset)
    interactions = {
        row.id: row
        for row in Interaction.objects.filter(pk__in=[f.interaction_id for f in follow_ups])
    }
    names = dict(
        Customer.objects.filter(pk__in={i.customer_id for i in interactions.values()}).values_list(
            "id", "name"
        )
    )
    agents = config.current().agents
    found = []
    for f in follow_ups:
        row = interactions.get(f.interaction_id)
        agent = agents.get(f.agent_id)
        found.append(
            {
                "interaction_id": f.interaction_id,
                "agent_id": f.agent_id,
                "agent": agent.name if agent else "",
                "customer": names.get(row.customer_id, "") if row else "",
                "channel": row.channel if row else "",
                "note": f.note,
                "due_at": f.due_at.isoformat(),
                "state": f.state,
                "overdue": f.state == FollowUp.State.SCHEDULED and f.due_at <= now,
                "conversation_state": row.state if row else "",
            }
        )
    return found


def _listed(now: datetime):
    return FollowUp.objects.filter(
        Q(state=FollowUp.State.SCHEDULED)
        | Q(state=FollowUp.State.DUE, came_due_at__gte=now - DUE_SHOWN_FOR)
    ).order_by("due_at")


def mine(agent_id: int, now: datetime) -> list[dict[str, Any]]:
    return _rows(_listed(now).filter(agent_id=agent_id), now)


def wallboard(now: datetime, agents: frozenset[int] | None = None) -> dict[str, Any]:
    """Scheduled for the rest of today, and those that came due and wait to be taken: the
    whole center's, or (`agents`: a team lead's team) those of the team's agents."""
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    scheduled = FollowUp.objects.filter(state=FollowUp.State.SCHEDULED)
    listed = _listed(now).filter(due_at__lte=end_of_day)
    if agents is not None:
        scheduled, listed = (
            scheduled.filter(agent_id__in=agents),
            listed.filter(agent_id__in=agents),
        )
    return {"scheduled": scheduled.count(), "today": _rows(listed[:WALLBOARD_ROWS], now)}
