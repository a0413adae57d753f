from django.urls import path

from channels_adapters.voice import controls, views

urlpatterns = [
    path("hooks/twilio/voice/", views.incoming, name="twilio-voice"),
    path("hooks/twilio/voice/status/", views.status, name="twilio-voice-status"),
    path("hooks/twilio/voice/wait/", views.wait, name="twilio-voice-wait"),
    path("hooks/twilio/voice/key/", views.key, name="twilio-voice-key"),
    path("hooks/twilio/voice/dial/", views.dial, name="twilio-voice-dial"),
    path("hooks/twilio/voice/recording/", views.recording, name="twilio-voice-recording"),
    path("hooks/twilio/voice/transcription/", views.transcription, name="twilio-voice-text"),
    path(
        "channels/voice/calls/<str:interaction_id>/<str:action>/",
        controls.control,
        name="call-control",
    ),
]
