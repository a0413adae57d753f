from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "outbound"
    verbose_name = "Outbound campaigns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from contactcenter.workers import registry
        from outbound import dialer

        registry.register(
            "dialer",
            dialer.dialer_service,
            description="paces the active outbound campaigns and places their calls",
        )
