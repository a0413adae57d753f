from django.apps import AppConfig


class WebchatConfig(AppConfig):
    name = "channels_adapters.webchat"
    label = "webchat"
    verbose_name = "Web chat"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from channels_adapters import base
        from channels_adapters.webchat import audience, lines, tokens
        from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
        from contactcenter import push
        from routing import config

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
        # The channels and their topics are kept with the routing configuration
        # (configured.py): a change of theirs is one of the configuration's.
        for model in (WebChatChannel, WebChatTopic):
            post_save.connect(config.invalidate_on_change, sender=model, weak=False)
            post_delete.connect(config.invalidate_on_change, sender=model, weak=False)
