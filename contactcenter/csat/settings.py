"""The survey knobs, from Django settings (environment: docs/channels.md)."""

from datetime import timedelta

from django.conf import settings

from routing.models import Queue


def surveyed(channel: str, queue_id: int | None = None) -> bool:
    """Does a conversation of this channel (and queue) end with the question? The channel
    must be in CSAT_SURVEY_CHANNELS, and the queue must not have its survey turned off."""
    if channel not in getattr(settings, "CSAT_SURVEY_CHANNELS", ()):
        return False
    if queue_id is None:
        return True
    return not Queue.objects.filter(pk=queue_id, csat_survey=False).exists()


def window() -> timedelta:
    """How long after the survey a reply or a link still counts as the rating."""
    return timedelta(hours=int(getattr(settings, "CSAT_SURVEY_WINDOW_HOURS", 72)))
