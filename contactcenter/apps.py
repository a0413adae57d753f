from django.apps import AppConfig


class ContactCenterConfig(AppConfig):
    name = "contactcenter"
    verbose_name = "Contact center"

    def ready(self) -> None:
        from channels.layers import get_channel_layer

        from contactcenter import checks, push, startup  # noqa: F401 - checks, push: on import
        from contactcenter.events import projections

        projections.discover()
        startup.load_at_start(get_channel_layer)
