from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "contactcenter.webhooks"
    label = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from contactcenter.webhooks.delivery import webhook_loop
        from contactcenter.workers import registry

        registry.register(
            "webhooks",
            lambda **options: webhook_loop(),
            description="delivers the log to outgoing webhook subscriptions",
        )
