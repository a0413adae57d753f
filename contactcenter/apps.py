from django.apps import AppConfig


class ContactCenterConfig(AppConfig):
    name = "contactcenter"
    verbose_name = "Contact center"

    def ready(self) -> None:
        from contactcenter import checks, push  # noqa: F401 - they register themselves
        from contactcenter.events import projections

        projections.discover()
