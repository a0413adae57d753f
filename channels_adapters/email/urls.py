from django.urls import path

from channels_adapters.email import views, webhooks

urlpatterns = [
    path("hooks/email/<slug:esp>/inbound/", webhooks.inbound, name="email-inbound"),
    path("attachments/<path:storage_key>", views.attachment, name="attachment"),
]
