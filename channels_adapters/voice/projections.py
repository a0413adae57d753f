from channels_adapters.voice import events as ev
from channels_adapters.voice.models import Call, Callback
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.store import RecordedEvent
from routing.flows import events as fe


@register
class CallProjector(Projector):
    name = "calls"
    models = [Call, Callback]

    def _call(self, sid: str, rows: Rows) -> Call | None:
        call = rows.get(Call, sid)
        if call is not None:
            rows.changed(call)
        return call

    def on_CallStarted(self, e: ev.CallStarted, r: RecordedEvent, rows: Rows):
        inbound = e.direction in ("inbound", "web")  # the customer called (a web call too)
        rows.add(
            Call(
                call_sid=e.call_sid,
                interaction_id=e.interaction_id,
                channel_key=e.to_number if inbound else e.from_number,
                direction=e.direction,
                customer_number=e.from_number if inbound else e.to_number,
                started_at=r.occurred_at,
            )
        )

    def on_CallDialed(self, e: ev.CallDialed, r: RecordedEvent, rows: Rows):
        if call := self._call(e.call_sid, rows):
            call.agent_id, call.endpoint = e.agent_id, e.endpoint
            call.dialed_at = None if e.error else r.occurred_at

    def on_CallAgentLegEnded(self, e: ev.CallAgentLegEnded, r: RecordedEvent, rows: Rows):
        if call := self._call(e.call_sid, rows):
            call.ring_seconds += e.ring_seconds
            call.talk_seconds += e.talk_seconds
            call.dialed_at = None

    def on_CallHeld(self, e: ev.CallHeld, r: RecordedEvent, rows: Rows):
        if call := self._call(e.call_sid, rows):
            call.held_since = r.occurred_at
            call.dialed_at = None  # the agent leg ended with the hold

    def on_CallResumed(self, e: ev.CallResumed, r: RecordedEvent, rows: Rows):
        if call := self._call(e.call_sid, rows):
            call.held_since = None
            call.hold_seconds += e.held_seconds
            call.dialed_at = r.occurred_at

    def on_MediaStreamStarted(self, e: ev.MediaStreamStarted, r: RecordedEvent, rows: Rows):
        if call := self._call(e.call_sid, rows):
            call.stream_sid = e.stream_sid

    def on_MediaStreamEnded(self, e: ev.MediaStreamEnded, r: RecordedEvent, rows: Rows):
        if (call := self._call(e.call_sid, rows)) and call.stream_sid == e.stream_sid:
            call.stream_sid = ""

    def on_CallEnded(self, e: ev.CallEnded, r: RecordedEvent, rows: Rows):
        if call := self._call(e.call_sid, rows):
            call.status, call.ended_at, call.held_since = e.status, r.occurred_at, None
            call.hold_seconds = e.hold_seconds

    def on_CallbackRequested(self, e: fe.CallbackRequested, r: RecordedEvent, rows: Rows):
        callback = rows.get(Callback, e.interaction_id)
        if callback is None:
            callback = rows.add(
                Callback(interaction_id=e.interaction_id, requested_at=r.occurred_at)
            )
        callback.number, callback.source = e.number, e.source
        callback.requested_at, callback.placed_call_sid, callback.placed_at = (
            r.occurred_at,
            "",
            None,
        )
        rows.changed(callback)

    def on_CallbackPlaced(self, e: ev.CallbackPlaced, r: RecordedEvent, rows: Rows):
        callback = rows.get(Callback, e.interaction_id)
        if callback is not None and not e.error:
            callback.placed_call_sid, callback.placed_at = e.call_sid, r.occurred_at
            rows.changed(callback)
