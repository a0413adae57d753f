from django.urls import path

from wfm import views

app_name = "wfm"
urlpatterns = [
    path("supervisor/wfm/", views.forecast_page, name="forecast"),
    path("supervisor/wfm/intraday/", views.intraday_page, name="intraday"),
    path("supervisor/wfm/schedules/", views.schedules_page, name="schedules"),
    path("supervisor/wfm/schedules/<str:schedule_id>/", views.schedule_page, name="schedule"),
    path("supervisor/wfm/adherence/", views.adherence_page, name="adherence"),
    path("console/schedule/", views.my_schedule, name="mine"),
]
