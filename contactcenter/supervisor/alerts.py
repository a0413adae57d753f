"""Slow-moving alerts: raised once when a condition starts to hold, cleared when it stops.

Each alert is a stream (`alert-<kind>:<subject>`) of AlertRaised / AlertCleared events, so
several processes checking at once raise it once (the second append meets a version clash),
and the wallboard and console show what stands. A raised queue alert is also posted to the
Slack alerts channel, when one is configured."""

import logging

from contactcenter import clock
from contactcenter.commands import command
from contactcenter.events import aggregate as aggregates
from contactcenter.events.aggregate import Aggregate
from contactcenter.events.context import acting_as
from contactcenter.events.store import RecordedEvent
from contactcenter.events.types import DomainEvent
from contactcenter.supervisor import events as ev
from contactcenter.supervisor.models import StandingAlert
from contactcenter.supervisor.wallboard import alert_conditions

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 15.0


def stream_id(key: str) -> str:
    return f"alert-{key}"


def check(now=None) -> int:
    """Raise what newly holds, clear what no longer does; returns how many changed."""
    now = now or clock.now()
    conditions = alert_conditions(now)
    standing = set(StandingAlert.objects.values_list("key", flat=True))
    changed = 0
    for key in sorted(set(conditions) - standing):
        kind, subject, message, detail = conditions[key]
        if _change(
            key,
            ev.AlertRaised(alert=key, kind=kind, subject=subject, message=message, detail=detail),
        ):
            changed += 1
            if kind == "queue_below_sl":
                _to_sinks(message)
    for key in sorted(standing - set(conditions)):
        changed += _change(key, ev.AlertCleared(alert=key))
    return changed


class Alert(Aggregate):
    """One alert's stream: raised or not, from its last event."""

    stream_prefix = "alert"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.raised = False

    def when(self, event: RecordedEvent) -> None:
        self.raised = event.type == "AlertRaised"

    def change(self, event: ev.AlertRaised | ev.AlertCleared) -> list[DomainEvent]:
        """Raise or clear, unless the alert already is that way."""
        if self.raised == isinstance(event, ev.AlertRaised):
            return []
        return [event]


@command
def _change(key: str, event: ev.AlertRaised | ev.AlertCleared) -> bool:
    """Append a raise or a clear unless the alert is already that way (another process, or a
    retry of this command after a clash, may have done it)."""
    with acting_as("system:alerts"):
        return bool(aggregates.decide_and_append(Alert, key, lambda alert: alert.change(event)))


def _to_sinks(message: str) -> None:
    """Every channel that takes alerts (Slack posts them to its alerts channel)."""
    from channels_adapters import base as channel_registry

    for channel in channel_registry.channels():
        if channel.alerts is None:
            continue
        try:
            channel.alerts(message)
        except Exception:
            log.exception("posting an alert to %s failed", channel.label)


def alert_loop():
    from contactcenter.workers.loop import Loop

    def step() -> int:
        check()
        return 0  # wait the full period between checks

    return Loop("alerts", step, idle=CHECK_EVERY_SECONDS)
