from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "channels_adapters.sms"
    label = "sms"
    verbose_name = "SMS"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.sms import consent, segments, survey
        from channels_adapters.sms.outbound import SmsAdapter

        base.register(
            base.Channel(
                name="sms",
                label="SMS",
                identity_kind="phone",
                adapter=SmsAdapter(),
                default_capacity=3,
                menus="numbered text: Reply 1 for Billing, 2 for Sales.",
                urls="channels_adapters.sms.urls",
                console=consent.console_extras,
                survey=survey.message,
                billing=base.Billing(
                    unit="segment",
                    events=frozenset({"MessageSent", "MessageReceived"}),
                    units=segments.billed,
                ),
            )
        )
