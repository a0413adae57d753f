from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "channels_adapters.slack"
    label = "slack"
    verbose_name = "Slack channel"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from channels_adapters import base
        from channels_adapters.slack import (
            alerts,
            entry_points,
            events,  # noqa: F401  (its event types)
            survey,
        )
        from channels_adapters.slack.models import SlackChannel
        from channels_adapters.slack.outbound import SlackAdapter

        base.register(
            base.Channel(
                name="slack",
                label="Slack",
                identity_kind="slack",
                adapter=SlackAdapter(),
                default_capacity=3,
                menus="Block Kit buttons",
                urls="channels_adapters.slack.urls",
                alerts=alerts.post_alert,
                survey=survey.message,
            )
        )
        post_save.connect(entry_points.on_saved, sender=SlackChannel, weak=False)
        post_delete.connect(entry_points.on_deleted, sender=SlackChannel, weak=False)
