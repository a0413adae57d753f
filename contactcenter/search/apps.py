from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "contactcenter.search"
    label = "search"
    verbose_name = "Search"
