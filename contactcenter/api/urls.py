from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from contactcenter.api.views.commands import InteractionCommands
from contactcenter.api.views.feed import EventFeedView
from contactcenter.api.views.interactions import InteractionViewSet
from contactcenter.api.views.labels import CustomerLabels, InteractionLabels, LabelDefinitions
from contactcenter.api.views.outbound import StartOutbound
from contactcenter.api.views.people import AgentViewSet, CustomerViewSet
from contactcenter.api.views.queues import DispositionViewSet, QueueViewSet
from contactcenter.privacy.api import EraseCustomer, ExportCustomer


class Interactions(StartOutbound, InteractionCommands, InteractionLabels, InteractionViewSet):
    """Interactions you may see: read them, start one, and act on them."""


class Customers(CustomerLabels, CustomerViewSet):
    """Customers of the interactions you may see, with their identities and labels."""


router = DefaultRouter()
router.register("interactions", Interactions, basename="interaction")
router.register("customers", Customers, basename="customer")
router.register("queues", QueueViewSet, basename="queue")
router.register("agents", AgentViewSet, basename="agent")
router.register("dispositions", DispositionViewSet, basename="disposition")


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other /api/ path: a JSON 404 like the API's own, never Django's HTML page."""
    return JsonResponse({"code": "not_found", "detail": "No such API endpoint."}, status=404)


urlpatterns = [
    path("v1/events/", EventFeedView.as_view(), name="event-feed"),
    path("v1/labels/", LabelDefinitions.as_view(), name="label-definitions"),
    path("v1/customers/<str:customer_id>/erase/", EraseCustomer.as_view(), name="customer-erase"),
    path(
        "v1/customers/<str:customer_id>/export/", ExportCustomer.as_view(), name="customer-export"
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from a URL of its own: the pages' CSP runs no inline one.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"^", not_found),
]
