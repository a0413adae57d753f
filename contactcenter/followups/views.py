"""`GET /console/follow-ups/`: *My follow-ups* (the agent's own, scheduled and lately due)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from contactcenter import clock
from contactcenter.followups import listing
from contactcenter.roles import agent_required


@agent_required
@require_GET
def my_follow_ups(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"follow_ups": listing.mine(request.user.pk, clock.now())})
