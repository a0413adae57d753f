from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "contactcenter.interactions"
    label = "interactions"
