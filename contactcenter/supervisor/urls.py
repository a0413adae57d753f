from django.urls import path

from contactcenter.supervisor import views

urlpatterns = [path("", views.wallboard, name="wallboard")]
