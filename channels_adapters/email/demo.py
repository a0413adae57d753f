"""The demo tenant's inbox: support@example.com over SMTP, fed to the Support queue."""

from channels_adapters.email.models import EmailChannel
from routing.models import Queue


def seed(log) -> None:
    channel, created = EmailChannel.objects.get_or_create(
        name="Support inbox",
        defaults={
            "addresses": "support@example.com",
            "intake": EmailChannel.Intake.SMTP,
            "queue": Queue.objects.get(name="Support"),
            "from_name": "Example Support",
        },
    )
    if not created:
        channel.sync_entry_points()
    log(f"email: inbox {channel.primary_address} (SMTP) feeds the {channel.queue} queue")
