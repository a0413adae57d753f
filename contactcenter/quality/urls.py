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
    path("console/quality/", views.my_evaluations, name="mine"),
    path("console/quality/<str:evaluation_id>/", views.my_evaluation, name="my_evaluation"),
]
