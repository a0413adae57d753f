from django.apps import AppConfig


class WebchatConfig(AppConfig):
    name = "channels_adapters.webchat"
    label = "webchat"
    verbose_name = "Web chat"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.webchat import audience, lines, tokens
        from contactcenter import push

        base.register(
            base.Channel(
                name="webchat",
                label="Web chat",
                identity_kind="web",
                adapter=audience.WebChatAdapter(),
                default_capacity=3,
                menus="buttons in the widget",
                urls="channels_adapters.webchat.urls",
            )
        )
        push.add_audience(audience.visitor_frames)
        push.after_publish(lines.released)
        base.read_web_visitors(tokens.web_visitor)
