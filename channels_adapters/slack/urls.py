from django.urls import path

from channels_adapters.slack import views

app_name = "slack"
# under /hooks/
hooks = [
    path("slack/events/", views.events, name="events"),
    path("slack/interactions/", views.interactions, name="interactions"),
]
urlpatterns: list = []
