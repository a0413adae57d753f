"""Run every active sampling rule for everyone's work: a daily cron job keeps QA's list of
interactions to score filled (docs/quality.md)."""

from django.core.management.base import BaseCommand

from contactcenter.quality import sampling_shell
from contactcenter.quality.models import SamplingRule


class Command(BaseCommand):
    help = "Pick interactions for QA to score by every active sampling rule."

    def handle(self, *args, **options) -> None:
        for rule in SamplingRule.objects.filter(active=True):
            picked = sampling_shell.sample(rule.pk)
            self.stdout.write(f"{rule.name}: picked {picked}")
