from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "contactcenter.events"
    label = "events"
    verbose_name = "Event log"
