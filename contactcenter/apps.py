from django.apps import AppConfig


class ContactCenterConfig(AppConfig):
    name = "contactcenter"
    verbose_name = "Contact center"

    def ready(self) -> None:
        from contactcenter import push  # noqa: F401 - registers the after-commit publisher
        from contactcenter.events import projections

        projections.discover()
