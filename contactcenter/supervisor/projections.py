from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from contactcenter.supervisor import events as ev
from contactcenter.supervisor.models import StandingAlert


@register
class StandingAlertProjector(Projector):
    name = "alerts"
    models = [StandingAlert]

    def on_AlertRaised(self, e: ev.AlertRaised, r: RecordedEvent, rows: Rows):
        rows.add(
            StandingAlert(
                key=e.alert,
                version=r.version,
                kind=e.kind,
                subject=e.subject,
                message=e.message[:300],
                detail=e.detail,
                raised_at=r.occurred_at,
            )
        )

    def on_AlertCleared(self, e: ev.AlertCleared, r: RecordedEvent, rows: Rows):
        alert = rows.get(StandingAlert, e.alert)
        if alert is not None:
            rows.delete(alert)
