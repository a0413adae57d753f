from django.urls import path

from contactcenter.quality import views

app_name = "quality"
urlpatterns = [
    path("supervisor/quality/", views.supervisor_home, name="supervisor"),
    path("supervisor/quality/score/<str:interaction_id>/", views.score, name="score"),
    path(
        "supervisor/quality/evaluations/<str:evaluation_id>/", views.evaluation, name="evaluation"
    ),
    path("supervisor/quality/report/", views.report, name="report"),
    path("supervisor/quality/calibrations/", views.open_calibration, name="open_calibration"),
    path("supervisor/quality/sampling/<int:rule_id>/", views.pick_samples, name="pick_samples"),
    path(
        "supervisor/quality/calibrations/<str:calibration_id>/",
        views.calibration_page,
        name="calibration",
    ),
    path("supervisor/quality/coaching/", views.plan_coaching, name="plan_coaching"),
    path("supervisor/quality/coaching/<str:coaching_id>/", views.coaching_page, name="coaching"),
    path("console/quality/", views.my_evaluations, name="mine"),
    path(
        "console/quality/coaching/<str:coaching_id>/",
        views.acknowledge_coaching,
        name="acknowledge_coaching",
    ),
    path("console/quality/<str:evaluation_id>/", views.my_evaluation, name="my_evaluation"),
]
