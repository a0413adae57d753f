from channels_adapters.sms import events as ev
from channels_adapters.sms.models import SmsConsent
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent


@register
class SmsConsentProjector(Projector):
    name = "sms_consent"
    models = [SmsConsent]

    def _set(self, e, r: RecordedEvent, rows: Rows, opted_out: bool) -> None:
        row = rows.get(SmsConsent, e.number)
        if row is None:
            row = rows.add(SmsConsent(number=e.number))
        row.opted_out, row.keyword, row.since = opted_out, e.keyword, r.occurred_at
        rows.changed(row)

    def on_SmsOptedOut(self, e: ev.SmsOptedOut, r: RecordedEvent, rows: Rows):
        self._set(e, r, rows, True)

    def on_SmsOptedIn(self, e: ev.SmsOptedIn, r: RecordedEvent, rows: Rows):
        self._set(e, r, rows, False)
