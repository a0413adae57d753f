"""Right to erasure: the customer's personal data becomes unreadable everywhere."""

from django.core.management.base import BaseCommand, CommandError

from contactcenter.interactions.domain import DomainError
from contactcenter.privacy.erasure import erase_customer


class Command(BaseCommand):
    help = "Erase a customer by destroying their data key (crypto-shredding); docs/privacy.md."

    def add_arguments(self, parser):
        parser.add_argument("customer_id")

    def handle(self, *args, customer_id: str, **options):
        try:
            erased = erase_customer(customer_id, requested_by="manage.py erase_customer")
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"erased: {', '.join(erased)}")
