from django.urls import path

from channels_adapters.email import views, webhooks

# under /hooks/
hooks = [
    path("email/<slug:esp>/inbound/", webhooks.inbound, name="email-inbound"),
]
urlpatterns = [
    path("attachments/<path:storage_key>", views.attachment, name="attachment"),
]
