from django.urls import path

from channels_adapters.webchat import files, views

urlpatterns = [
    path("widget.js", views.widget_js, name="webchat-widget-js"),
    path("widget/frame/<slug:key>/", views.frame, name="webchat-frame"),
    path("widget/session/", views.session, name="webchat-session"),
    path("widget/attachments/", files.upload, name="webchat-attachment-upload"),
    path("widget/attachments/<path:storage_key>", files.download, name="webchat-attachment"),
    path("widget/transcript/<str:token>/", views.transcript_link, name="webchat-transcript"),
    path("demo/widget/", views.demo, name="webchat-demo"),
]
