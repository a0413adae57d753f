"""After a KEK rotation (a new PRIVACY_KEK or SECRET_KEY, the old one kept in its
*_FALLBACKS): wrap every standing data key under the current KEK, so the old one may go.
docs/privacy.md."""

from cryptography.exceptions import InvalidTag
from django.core.management.base import BaseCommand, CommandError

from contactcenter.privacy import kek
from contactcenter.privacy.models import CustomerKey

BATCH = 500


class Command(BaseCommand):
    help = "Wrap every customer's data key under the current KEK (after a rotation)."

    def handle(self, *args, **options):
        wrapper = kek.wrapper()
        if not hasattr(wrapper, "is_current"):
            raise CommandError(
                f"{type(wrapper).__name__} rotates its own keys: nothing to rewrap here"
            )
        standing = CustomerKey.objects.filter(erased_at__isnull=True).exclude(wrapped=b"")
        total, looked_at, rewrapped, current, unopenable = standing.count(), 0, 0, 0, []
        after = ""
        while True:
            batch = list(
                standing.filter(key_id__gt=after)
                .order_by("key_id")
                .values_list("key_id", "wrapped")[:BATCH]
            )
            if not batch:
                break
            after = batch[-1][0]
            looked_at += len(batch)
            for key_id, wrapped in batch:
                wrapped = bytes(wrapped)
                if wrapper.is_current(wrapped, key_id):
                    current += 1
                    continue
                try:
                    data_key = wrapper.unwrap(wrapped, key_id)
                except InvalidTag:
                    unopenable.append(key_id)
                    continue
                # Only as it was read: a key erased meanwhile stays erased.
                rewrapped += CustomerKey.objects.filter(
                    key_id=key_id, wrapped=wrapped, erased_at__isnull=True
                ).update(wrapped=wrapper.wrap(data_key, key_id))
            self.stdout.write(f"{looked_at} of {total} data keys looked at")
        self.stdout.write(f"rewrapped {rewrapped}; {current} were under the current KEK already")
        if unopenable:
            shown = ", ".join(unopenable[:10])
            raise CommandError(
                f"{len(unopenable)} data keys open under no configured KEK (e.g. {shown}): "
                "add the KEK or SECRET_KEY they were made under to its *_FALLBACKS"
            )
