from django.apps import AppConfig


class ScriptsConfig(AppConfig):
    name = "contactcenter.scripts"
    label = "scripts"
    verbose_name = "Guided scripts"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete

        from contactcenter.scripts.models import Script
        from routing import config

        # Which scripts a queue has is in the routing configuration's snapshot: a link made
        # or undone, or a script deleted (its links go with it, unsignalled), is a change.
        m2m_changed.connect(config.invalidate_on_change, sender=Script.queues.through, weak=False)
        post_delete.connect(config.invalidate_on_change, sender=Script, weak=False)
