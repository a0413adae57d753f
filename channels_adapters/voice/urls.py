from django.urls import path

from channels_adapters.voice import controls, views

# under /hooks/
hooks = [
    path("twilio/voice/", views.incoming, name="twilio-voice"),
    path("twilio/voice/status/", views.status, name="twilio-voice-status"),
    path("twilio/voice/wait/", views.wait, name="twilio-voice-wait"),
    path("twilio/voice/key/", views.key, name="twilio-voice-key"),
    path("twilio/voice/dial/", views.dial, name="twilio-voice-dial"),
    path("twilio/voice/recording/", views.recording, name="twilio-voice-recording"),
    path("twilio/voice/transcription/", views.transcription, name="twilio-voice-text"),
]
urlpatterns = [
    path(
        "channels/voice/calls/<str:interaction_id>/<str:action>/",
        controls.control,
        name="call-control",
    ),
]
