from django.urls import path

from channels_adapters.webchat import views

urlpatterns = [
    path("widget.js", views.widget_js, name="webchat-widget-js"),
    path("widget/frame/<slug:key>/", views.frame, name="webchat-frame"),
    path("widget/session/", views.session, name="webchat-session"),
    path("widget/transcript/<str:token>/", views.transcript_link, name="webchat-transcript"),
    path("demo/widget/", views.demo, name="webchat-demo"),
]
