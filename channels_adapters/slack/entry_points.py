"""Routing reads where Slack conversations start from `routing.models.EntryPoint(channel=
"slack", channel_key=<team id or *>)`; this keeps it in step with the Slack channel's queue."""

from routing.models import EntryPoint


def on_saved(sender, instance, **kwargs) -> None:
    if instance.queue_id is None:
        return
    EntryPoint.objects.update_or_create(
        channel="slack", channel_key=instance.channel_key, defaults={"queue_id": instance.queue_id}
    )
    _drop_orphans(sender)


def on_deleted(sender, instance, **kwargs) -> None:
    _drop_orphans(sender)


def _drop_orphans(model) -> None:
    """Entry points of team ids no Slack channel answers for any more (a team id changed)."""
    keys = set(model.objects.values_list("team_id", flat=True))
    EntryPoint.objects.filter(channel="slack").exclude(channel_key__in=keys).delete()
