from django.urls import path

from channels_adapters.sms import views

# under /hooks/
hooks = [
    path("twilio/sms/", views.inbound, name="twilio-sms"),
    path("twilio/sms/status/", views.status, name="twilio-sms-status"),
]
urlpatterns = [
    path("channels/sms/segments/", views.segment_count, name="sms-segments"),
    path("channels/sms/consent/", views.consent_status, name="sms-consent"),
]
