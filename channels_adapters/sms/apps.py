from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "channels_adapters.sms"
    label = "sms"
    verbose_name = "SMS"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.sms.outbound import SmsAdapter

        base.register(SmsAdapter())
