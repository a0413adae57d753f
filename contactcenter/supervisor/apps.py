from django.apps import AppConfig


class SupervisorConfig(AppConfig):
    name = "contactcenter.supervisor"
    label = "supervisor"
    verbose_name = "Supervisor views"

    def ready(self) -> None:
        from contactcenter.supervisor import alerts
        from contactcenter.workers import registry

        registry.register(
            "alerts",
            lambda **options: alerts.alert_loop(),
            description="raises and clears the slow-moving supervisor alerts",
        )
