from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "contactcenter.webhooks"
    label = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from contactcenter import workers
        from contactcenter.webhooks.delivery import webhook_loop

        workers.embed(lambda **options: webhook_loop())
