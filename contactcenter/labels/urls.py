from django.urls import path

from contactcenter.labels import views

urlpatterns = [
    path("labels/", views.defined, name="labels"),
    path("labels/conversations/<str:interaction_id>/", views.conversation),
    path("labels/customers/<str:customer_id>/", views.customer),
    path("customers/<str:customer_id>/profile/", views.profile),
]
