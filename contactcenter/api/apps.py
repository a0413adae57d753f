from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "contactcenter.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from contactcenter.api import feed_wakeups

        feed_wakeups.install()
