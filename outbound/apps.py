from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "outbound"
    verbose_name = "Outbound campaigns"
    default_auto_field = "django.db.models.BigAutoField"
