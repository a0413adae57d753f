from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from contactcenter.roles import agent_required
from contactcenter.search.query import search


@agent_required
@require_GET
def search_view(request: HttpRequest) -> JsonResponse:
    """GET /console/search/?q=…: what the person may see that matches, newest first."""
    return JsonResponse({"results": search(request.user, request.GET.get("q", ""))})
