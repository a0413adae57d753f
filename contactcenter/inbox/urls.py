from django.urls import path

from contactcenter.inbox import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/settings/", views.settings_view, name="inbox-settings"),
    path("inbox/canned/", views.canned, name="inbox-canned"),
    path("inbox/conversations/<str:interaction_id>/", views.conversation),
    path("inbox/conversations/<str:interaction_id>/draft/", views.draft),
    path("inbox/conversations/<str:interaction_id>/read/", views.read),
    path("inbox/conversations/<str:interaction_id>/follow-up/", views.follow_up),
    path("inbox/conversations/<str:interaction_id>/script/", views.script_step),
]
