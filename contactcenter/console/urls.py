from django.urls import path

from contactcenter.console import views

urlpatterns = [path("", views.console, name="console")]
