from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "channels_adapters.messenger"
    label = "messenger"
    verbose_name = "Messenger and Instagram"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.messenger.outbound import MessengerAdapter
        from crm import identities

        # A page-scoped id (PSID, or Instagram's IGSID): the customer's address on this page.
        identities.register_kind("messenger")
        base.register(
            base.Channel(
                name="messenger",
                label="Messenger",
                identity_kind="messenger",
                adapter=MessengerAdapter(),
                default_capacity=3,
                menus="quick replies (up to 13 options)",
                urls="channels_adapters.messenger.urls",
            )
        )
