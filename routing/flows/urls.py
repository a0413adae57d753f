from django.urls import path

from routing.flows import views

urlpatterns = [
    path("flows/sessions/<str:interaction_id>/", views.session, name="flow-session"),
]
