from django.urls import path

from channels_adapters.voice import controls, views
from channels_adapters.voice.media import playback, supervision
from channels_adapters.voice.media import views as media

# under /hooks/
hooks = [
    path("twilio/voice/", views.incoming, name="twilio-voice"),
    path("twilio/voice/status/", views.status, name="twilio-voice-status"),
    path("twilio/voice/wait/", views.wait, name="twilio-voice-wait"),
    path("twilio/voice/key/", views.key, name="twilio-voice-key"),
    path("twilio/voice/dial/", views.dial, name="twilio-voice-dial"),
    path("twilio/voice/survey/", views.rating, name="twilio-voice-survey"),
    path("twilio/voice/recording/", views.recording, name="twilio-voice-recording"),
    path("twilio/voice/transcription/", views.transcription, name="twilio-voice-text"),
    path("twilio/voice/outbound/", views.answered_outbound, name="twilio-voice-outbound"),
]
urlpatterns = [
    path("channels/voice/softphone/", media.config, name="softphone-config"),
    path(
        "channels/voice/recordings/<str:interaction_id>/",
        playback.listing,
        name="call-recordings",
    ),
    path(
        "channels/voice/recordings/<str:interaction_id>/<int:index>/audio/",
        playback.audio,
        name="call-recording-audio",
    ),
    path(
        "channels/voice/calls/<str:interaction_id>/softphone/",
        media.softphone,
        name="call-softphone",
    ),
    path(
        "channels/voice/calls/<str:interaction_id>/supervise/",
        supervision.supervise,
        name="call-supervise",
    ),
    path(
        "channels/voice/calls/<str:interaction_id>/<str:action>/",
        controls.control,
        name="call-control",
    ),
]
