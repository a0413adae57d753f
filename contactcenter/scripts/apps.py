from django.apps import AppConfig


class ScriptsConfig(AppConfig):
    name = "contactcenter.scripts"
    label = "scripts"
    verbose_name = "Guided scripts"
