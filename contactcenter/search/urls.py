from django.urls import path

from contactcenter.search import views

urlpatterns = [path("search/", views.search_view, name="search")]
