from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from contactcenter.health import healthz
from contactcenter.privacy.two_factor import two_factor

handler500 = "contactcenter.outage.server_error"

admin.site.site_header = "Contact center administration"
admin.site.site_title = "Contact center"

urlpatterns = [
    path("", RedirectView.as_view(url="/console/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    # What every contact and provider calls first (the web chat's token, webhooks), then the
    # REST API: Django tries the patterns in order, noting each it tried, and the token's
    # path came after some fifty others: 85 us to resolve, now 15 (issue 18).
    # tests/test_url_order.py checks that no pattern takes another's path.
    path("", include("channels_adapters.urls")),  # every channel's, from the registry
    path("api/", include("contactcenter.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/two-factor/", two_factor, name="two-factor"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("supervisor/", include("contactcenter.supervisor.urls")),
    path("supervisor/", include("contactcenter.kpis.urls")),
    path("", include("contactcenter.quality.urls")),
    path("", include("wfm.urls")),
    path("console/", include("contactcenter.console.urls")),
    path("console/", include("contactcenter.inbox.urls")),
    path("console/", include("contactcenter.followups.urls")),
    path("console/", include("contactcenter.labels.urls")),
    path("console/", include("contactcenter.search.urls")),
    path("console/", include("contactcenter.attachments.urls")),
    path("", include("routing.flows.urls")),
    path("", include("contactcenter.knowledge.urls")),
    path("", include("outbound.urls")),
    path("", include("contactcenter.csat.urls")),
]
