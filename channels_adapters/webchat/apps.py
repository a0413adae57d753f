from django.apps import AppConfig


class WebchatConfig(AppConfig):
    name = "channels_adapters.webchat"
    label = "webchat"
    verbose_name = "Web chat"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.webchat import audience
        from contactcenter import push

        base.register(audience.WebChatAdapter())
        push.add_audience(audience.visitor_frames)
