from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "contactcenter.labels"
    label = "labels"
    verbose_name = "Labels and custom attributes"

    def ready(self) -> None:
        from contactcenter.labels import events  # noqa: F401 (registers the event types)
