from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "contactcenter.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from contactcenter.privacy import events, redaction, shredding  # noqa: F401 (events)

        redaction.install()
        shredding.install()

        from contactcenter.privacy import retention
        from contactcenter.workers import registry

        registry.register(
            "retention",
            lambda **options: retention.retention_loop(),
            description="purges message text and attachments past their retention policy",
        )
