from django.urls import path

from outbound import views

urlpatterns = [
    path("hooks/twilio/dialer/answer/", views.answered, name="dialer-answer"),
    path("hooks/twilio/dialer/status/", views.status, name="dialer-status"),
    path("hooks/twilio/dialer/amd/", views.machine_detected, name="dialer-amd"),
]
