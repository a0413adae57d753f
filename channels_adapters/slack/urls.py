from django.urls import path

from channels_adapters.slack import views

app_name = "slack"
urlpatterns = [
    path("events/", views.events, name="events"),
    path("interactions/", views.interactions, name="interactions"),
]
