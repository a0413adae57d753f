from django.urls import path

from contactcenter.csat import views

app_name = "csat"
urlpatterns = [
    path("csat/<str:token>/", views.rate, name="rate"),
]
