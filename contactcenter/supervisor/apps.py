from django.apps import AppConfig


class SupervisorConfig(AppConfig):
    name = "contactcenter.supervisor"
    label = "supervisor"
    verbose_name = "Supervisor views"

    def ready(self) -> None:
        from contactcenter import workers
        from contactcenter.supervisor import alerts

        workers.embed(lambda **options: alerts.alert_loop())
