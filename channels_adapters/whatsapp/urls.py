from django.urls import path

from channels_adapters.whatsapp import views

# under /hooks/
hooks = [path("whatsapp/", views.hook, name="whatsapp-hook")]
urlpatterns = [
    path("channels/whatsapp/media/<str:media_id>/", views.media, name="whatsapp-media"),
]
