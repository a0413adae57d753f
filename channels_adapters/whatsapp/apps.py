from django.apps import AppConfig


class WhatsAppConfig(AppConfig):
    name = "channels_adapters.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.whatsapp import window
        from channels_adapters.whatsapp.outbound import WhatsAppAdapter

        base.register(
            base.Channel(
                name="whatsapp",
                label="WhatsApp",
                identity_kind="phone",
                adapter=WhatsAppAdapter(),
                default_capacity=3,
                menus="reply buttons (up to 3 options), else a list (up to 10)",
                urls="channels_adapters.whatsapp.urls",
                console=window.console_extras,
            )
        )
