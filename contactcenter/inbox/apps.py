from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "contactcenter.inbox"
    label = "inbox"
    verbose_name = "Agent inbox"
