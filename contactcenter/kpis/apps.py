from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "contactcenter.kpis"
    label = "kpis"
    verbose_name = "KPIs"
