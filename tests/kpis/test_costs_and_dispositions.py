"""Cost per contact (handle hours at the agent rate plus what the channel's provider bills:
SMS segments, call minutes begun), survey response and the disposition mix, from a log
written by hand with figures worked out below (docs/kpis.md)."""

import csv
import io
from datetime import UTC

import pytest

from channels_adapters.voice import events as voice
from contactcenter.events import projections
from contactcenter.interactions import events as ie
from contactcenter.kpis import figures
from contactcenter.privacy.models import CustomerKey
from routing.models import Queue
from tests import statements
from tests.kpis.follow import catch_up_fully
from tests.kpis.test_kpis_by_hand import ALICE, BOB, DAY, LATER, Q1, Q2, Contact, log
from tests.kpis.test_reports import RANGE, supervisor  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
LONG_TEXT = "x" * 200  # GSM-7, over 160 characters: two segments of 153


def handled(contact: Contact, queue: int, agent: int, times: tuple[str, str, str, str], **wrap):
    """Queued and answered at the first two times, ended and wrapped up at the last two."""
    queued, answered, ended, done = times
    contact.queued(queued, queue, 20)
    contact.accepted(answered, contact.offered(queued, agent, queue), agent)
    log(contact.stream, ended, ie.WrapUpStarted(interaction_id=contact.id, agent_id=agent))
    log(
        contact.stream,
        done,
        ie.WrapUpCompleted(
            interaction_id=contact.id, agent_id=agent, disposition=wrap.get("as", "resolved")
        ),
        ie.InteractionClosed(interaction_id=contact.id, reason="wrapped_up"),
    )


def texted(contact: Contact, when: str, text: str, *, by: str) -> None:
    event = (
        ie.MessageSent(
            interaction_id=contact.id, message_id=f"{when}-out", channel="sms", author=by, text=text
        )
        if by != "customer"
        else ie.MessageReceived(
            interaction_id=contact.id,
            message_id=f"{when}-in",
            channel="sms",
            sender="+1",
            text=text,
        )
    )
    log(contact.stream, when, event)


def a_costed_morning(tag: str) -> None:
    """A customer texts, another calls. Each test tags its own interactions and customers:
    texts are sealed under keys a process keeps, which a test's flush leaves stale, and a
    text that cannot be read counts one segment."""
    s = Contact(f"{tag}s", "sms", f"texting-{tag}", "09:00:00")
    texted(s, "09:00:00", LONG_TEXT, by="customer")  # 2 segments
    handled(s, Q1, ALICE, ("09:00:00", "09:00:10", "09:01:10", "09:01:40"))  # 60 s + 30 s
    texted(s, "09:01:00", "On it", by=f"agent:{ALICE}")  # 1 segment
    v = Contact(f"{tag}v", "voice", f"calling-{tag}", "09:10:00")
    handled(v, Q2, BOB, ("09:10:00", "09:10:20", "09:12:20", "09:12:50"))  # 120 s + 30 s
    log(
        v.stream,
        "09:12:20",
        voice.CallEnded(
            interaction_id=v.id, call_sid="CA1", status="completed", duration_seconds=141
        ),
    )  # 2 min 21 s: three minutes begun


def day(dimension: str) -> dict[str, figures.Figures]:
    catch_up_fully(projections.get("kpis"))
    return figures.totals(dimension, *figures.day_range(DAY, DAY), now=LATER)


def test_cost_per_contact_adds_handle_hours_and_the_channels_units(settings):
    settings.COST_PER_AGENT_HOUR = 36.0  # one cent a second
    settings.COST_PER_CHANNEL_UNIT = {"sms": 0.01, "voice": 0.02}
    a_costed_morning("1")

    channels = day("channel")
    sms, calls = channels["sms"], channels["voice"]
    assert (sms.channel_units, sms.channel_cost) == (3, pytest.approx(0.03))
    assert sms.cost_per_contact == pytest.approx(0.90 + 0.03)
    assert (calls.channel_units, calls.channel_cost) == (3, pytest.approx(0.06))
    assert calls.cost_per_contact == pytest.approx(1.50 + 0.06)
    queues = day("queue")
    assert queues[str(Q1)].cost_per_contact == pytest.approx(0.93)
    assert figures.combine(queues.values()).cost_per_contact == pytest.approx((0.93 + 1.56) / 2)
    assert day("agent")[str(ALICE)].channel_units == 0  # an agent's cost is their time


def test_the_queue_report_shows_cost_per_contact(supervisor, settings):  # noqa: F811
    settings.COST_PER_AGENT_HOUR = 36.0
    settings.COST_PER_CHANNEL_UNIT = {"sms": 0.01}
    settings.COST_CURRENCY = "EUR"
    Queue.objects.create(pk=Q1, name="Support", channels=["sms"])
    a_costed_morning("2")
    catch_up_fully(projections.get("kpis"))

    response = supervisor.get(f"/supervisor/reports/queue/?{RANGE}&format=csv")

    rows = {r["Queue"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["Support"]["Cost/contact (EUR)"] == "0.93"
    assert rows["Support"]["Channel units"] == "3"


def test_the_disposition_mix_counts_and_shares_per_queue_and_channel(supervisor):  # noqa: F811
    Queue.objects.create(pk=Q1, name="Support", channels=["webchat", "sms"])
    Queue.objects.create(pk=Q2, name="Billing", channels=["webchat"])
    plan = [
        ("a", "webchat", Q1, "resolved"),
        ("b", "webchat", Q1, "resolved"),
        ("c", "sms", Q1, "refund"),
        ("d", "webchat", Q2, "refund"),
    ]
    for n, (name, channel, queue, disposition) in enumerate(plan):
        contact = Contact(name, channel, f"c{n}", f"09:0{n}:00")
        times = (f"09:0{n}:00", f"09:0{n}:05", f"09:0{n}:30", f"09:0{n}:40")
        handled(contact, queue, ALICE, times, **{"as": disposition})

    by_queue = supervisor.get(f"/supervisor/reports/disposition/?{RANGE}&format=csv")
    by_channel = supervisor.get(f"/supervisor/reports/disposition/?{RANGE}&by=channel")

    rows = list(csv.DictReader(io.StringIO(by_queue.content.decode())))
    lines = [(r["Queue"], r["Disposition"], r["Conversations"], r["Share (ratio)"]) for r in rows]
    assert lines == [
        ("Billing", "refund", "1", "1"),
        ("Support", "resolved", "2", "0.6667"),
        ("Support", "refund", "1", "0.3333"),
        ("All", "refund", "2", "0.5"),
        ("All", "resolved", "2", "0.5"),
    ]
    assert by_channel.status_code == 200
    assert 'id="disposition-mix"' in by_channel.text and "SMS" in by_channel.text
    assert by_channel.context["mix"].totals[0].conversations == 2


def test_a_bad_grouping_is_a_400(supervisor):  # noqa: F811
    response = supervisor.get(f"/supervisor/reports/disposition/?{RANGE}&by=agent")

    assert response.status_code == 400 and "group by one of queue, channel" in response.text


def test_survey_response_counts_the_answered_surveys_where_they_were_asked():
    asked = [Contact(name, "sms", f"c{name}", "09:00:00") for name in ("p", "q", "r")]
    for n, contact in enumerate(asked):
        handled(contact, Q1, ALICE, ("09:00:00", "09:00:05", "09:01:00", "09:01:30"))
        log(contact.stream, "09:02:00", ie.CsatSurveySent(interaction_id=contact.id, channel="sms"))
        if n < 2:
            contact.rated(f"10:0{n}:00", 5 - n)  # answered an hour later, in another interval
    widget = Contact("w", "webchat", "cw", "09:00:00")  # rated in the widget, never surveyed
    handled(widget, Q1, ALICE, ("09:00:00", "09:00:05", "09:01:00", "09:01:30"))
    widget.rated("09:03:00", 1)

    queue = day("queue")[str(Q1)]
    assert (queue.csat_surveys, queue.csat_survey_answers) == (3, 2)
    assert queue.csat_response_rate == pytest.approx(2 / 3)
    assert (queue.csat_count, queue.csat) == (3, pytest.approx(2 / 3))
    hourly = figures.totals("queue", *figures.day_range(DAY, DAY), by="hour", now=LATER)
    nine = next(f for hour, f in hourly.items() if hour.astimezone(UTC).hour == 9)
    assert (nine.csat_surveys, nine.csat_survey_answers) == (3, 2)


def test_texts_billed_before_their_units_were_stored_are_opened_together_to_count_them():
    """The KPIs read the log sealed; the texts whose segments were not stored with them (as
    before 2026-12) are opened for their words, the batch's keys read once for all."""
    contacts = [Contact(f"{n}t", "sms", f"texter-{n}", "09:00:00") for n in range(3)]
    for n, contact in enumerate(contacts):
        texted(contact, f"09:0{n}:30", LONG_TEXT, by="customer")  # 2 segments each

    with statements.recorded() as run:
        sms = day("channel")["sms"]

    assert sms.channel_units == 6
    keys = CustomerKey._meta.db_table
    assert len([sql for sql in statements.of_the_work(run) if keys in sql]) == 1
