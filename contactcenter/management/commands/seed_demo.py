from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create the demo tenant: people, queues, skills, channels, flows, dispositions. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options):
        # Each app seeds its own part in its `demo.py`, in INSTALLED_APPS order.
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("demo tenant ready"))
