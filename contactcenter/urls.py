from django.contrib import admin
from django.urls import include, path

from contactcenter.health import healthz

admin.site.site_header = "Contact center administration"
admin.site.site_title = "Contact center"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("supervisor/", include("contactcenter.kpis.urls")),
    path("", include("contactcenter.quality.urls")),
]
