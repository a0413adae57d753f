from django.urls import path

from contactcenter.followups import views

urlpatterns = [path("follow-ups/", views.my_follow_ups, name="my-follow-ups")]
