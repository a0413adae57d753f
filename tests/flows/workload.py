"""Self-service, SMS consent and calls, for the rebuild test's scripted morning
(tests/events/test_rebuild.py): every table these apps project gets rows."""

from channels_adapters.sms import consent
from channels_adapters.voice import calls, endings
from channels_adapters.voice.models import Call
from contactcenter.interactions.ingest import InboundMessage, ingest
from tests.flows.builders import at_entry, menu_flow
from tests.routing.builders import a_queue
from tests.twilio_api import NUMBER, a_channel
from tests.twilio_hooks import call, sid


def texted(body: str, sender: str = "+15551230031") -> InboundMessage:
    return InboundMessage(
        channel="sms",
        channel_key=NUMBER,
        sender_kind="phone",
        sender_address=sender,
        threading_key=sender,
        external_id=sid("SM"),
        text=body,
    )


def self_service_workload() -> None:
    billing, sales = a_queue(entry=None), a_queue(entry=None)
    support = a_queue(entry=None)
    flow = menu_flow(billing, sales, support)
    at_entry(flow, "sms", support, NUMBER)
    at_entry(flow, "voice", support, NUMBER)
    line = a_channel("http://127.0.0.1:9")

    ingest(texted("hello"))
    ingest(texted("1"))
    ingest(texted("654321"))
    consent.record("+15551230032", NUMBER, "STOP", sid("SM"))

    form = call(sid("CA"), "+15551230033")
    calls.ring(line, form)
    ringing = Call.objects.get(pk=form["CallSid"])
    calls.answer(line, ringing, "turn-1", text="3", choice="3")
    endings.request_callback(ringing)
    endings.call_ended(ringing, {**form, "CallStatus": "completed", "CallDuration": "31"})
