from django.urls import path

from channels_adapters.messenger import views

# under /hooks/
hooks = [path("messenger/", views.hook, name="messenger-hook")]
