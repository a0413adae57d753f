from django.apps import AppConfig


class EmailConfig(AppConfig):
    name = "channels_adapters.email"
    label = "email"
    verbose_name = "Email channel"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from channels_adapters import base
        from channels_adapters.email import inboxes, listener, models, outbound, survey
        from contactcenter.workers import registry

        base.register(
            base.Channel(
                name="email",
                label="Email",
                identity_kind="email",
                adapter=outbound.EmailAdapter(),
                default_capacity=5,
                self_service=False,
                menus=(
                    "none: a new mail gets the entry flow's acknowledgement, unless the flow "
                    "opens with a virtual agent (its turns by mail, options as 'Reply 1 for …')"
                ),
                urls="channels_adapters.email.urls",
                survey=survey.message,
                # an ESP bills each mail sent; mail received costs nothing more
                billing=base.Billing(
                    unit="e-mail", events=frozenset({"MessageSent"}), units=lambda *_: 1
                ),
            )
        )

        # make run: the SMTP listener beside the web server (production: `run_smtp`).
        registry.register(
            "smtp",
            listener.embedded,
            standalone=False,
            description="inbound SMTP listener (`serve --smtp-port`; elsewhere `run_smtp`)",
        )
        post_delete.connect(_forget_entry_points, sender=models.EmailChannel, weak=False)
        for signal in (post_save, post_delete):
            signal.connect(inboxes.forget, sender=models.EmailChannel, weak=False)


def _forget_entry_points(sender, instance, **kwargs) -> None:
    """A deleted channel's inboxes route nowhere any more (admission then falls back)."""
    from routing.models import EntryPoint

    EntryPoint.objects.filter(channel="email", channel_key__in=instance.inboxes).delete()
