"""What the agent's customer panel shows of self-service: the way through the flow, with
each answer, and the attributes gathered. JSON, for whoever may open the interaction."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from contactcenter.access import can_open
from routing.flows.models import FlowSession


@login_required
@require_GET
def session(request: HttpRequest, interaction_id: str) -> JsonResponse:
    if not can_open(request.user, interaction_id):
        return JsonResponse({"error": "no such interaction"}, status=404)
    row = FlowSession.objects.filter(pk=interaction_id).first()
    if row is None:
        return JsonResponse({"interaction_id": interaction_id, "flow": None})
    return JsonResponse(
        {
            "interaction_id": interaction_id,
            "flow": row.flow,
            "started_at": row.started_at.isoformat(),
            "current_step": row.current_step,
            "path": row.path,
            "attributes": row.attributes,
            "outcome": row.outcome,
            "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        }
    )
