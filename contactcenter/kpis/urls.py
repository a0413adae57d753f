from django.urls import path

from contactcenter.kpis import staffing_views, views

app_name = "kpis"
urlpatterns = [
    path("reports/", views.index, name="reports"),
    path("reports/<str:kind>/", views.report, name="report"),
    path("staffing/", staffing_views.staffing_page, name="staffing"),
]
