from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "contactcenter.quality"
    label = "quality"
    verbose_name = "Quality assurance"
