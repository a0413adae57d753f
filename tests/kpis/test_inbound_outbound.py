"""KPIs split inbound and outbound, as a supervisor reads them: service level, ASA and abandons
are about customers waiting, so inbound only; an agent's outbound contacts (click-to-call,
click-to-contact) are counted as started and handled with their own AHT, and never dilute the
inbound AHT that staffing plans with. Occupancy counts both: the agent was busy either way."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.interactions import events as ie
from contactcenter.kpis.reports import build
from contactcenter.roles import SUPERVISORS
from routing.models import Queue
from tests.kpis.test_kpis_by_hand import ALICE, DAY, Q1, Contact, day, log, presence, project

pytestmark = pytest.mark.django_db(transaction=True)


def reached_out(name: str, channel: str, when: str) -> Contact:
    """A contact Alice starts herself (the console's click-to-call, or a first e-mail)."""
    contact = Contact(name, channel, f"customer-{name}", when, direction="outbound")
    assigned = ie.InteractionAssigned(
        interaction_id=contact.id, agent_id=ALICE, queue_id=Q1, channel=channel
    )
    log(contact.stream, when, assigned)
    return contact


def a_blended_morning() -> None:
    presence(ALICE, "09:00:00", "available", {"webchat": 1, "email": 1, "voice": 1})
    chat = Contact("in", "webchat", "c1", "09:01:00")  # a customer waits 10 s: inbound
    chat.queued("09:01:00", Q1, 20)
    chat.accepted("09:01:10", chat.offered("09:01:05", ALICE, Q1), ALICE)
    chat.wrap_up("09:05:10", "09:06:10", ALICE)  # 240 s talk + 60 s wrap-up

    call = reached_out("call", "voice", "09:10:00")  # she calls a customer back
    call.wrap_up("09:13:00", "09:13:30", ALICE)  # 180 s talk + 30 s wrap-up

    mail = reached_out("mail", "email", "09:20:00")  # and e-mails another
    log(
        mail.stream,
        "09:22:00",
        ie.InteractionClosed(interaction_id=mail.id, reason="closed_by_agent", agent_id=ALICE),
    )  # 120 s, closed without wrap-up
    presence(ALICE, "09:30:00", "offline")


def test_outbound_contacts_have_their_own_counts_and_aht_and_no_service_level():
    a_blended_morning()
    project()
    alice = day("agent")[str(ALICE)]
    assert (alice.answered, alice.handled) == (1, 1)  # inbound: the chat alone
    assert alice.aht_seconds == pytest.approx(300)
    assert (alice.outbound_started, alice.outbound_handled, alice.outbound_wrapped) == (2, 2, 1)
    assert alice.outbound_aht_seconds == pytest.approx((210 + 120) / 2)
    assert alice.outbound_average_wrap_up_seconds == pytest.approx(30)
    assert (alice.all_handled, alice.outbound_share) == (3, pytest.approx(2 / 3))
    # busy from 09:01:10 to 09:06:10, 09:10 to 09:13:30 and 09:20 to 09:22, of 30 minutes
    assert alice.occupancy == pytest.approx((300 + 210 + 120) / 1800)

    support = day("queue")[str(Q1)]
    assert (support.offered, support.answered, support.service_level) == (1, 1, 1.0)
    assert support.asa_seconds == pytest.approx(10)  # outbound contacts never waited
    assert (support.handled, support.outbound_started, support.outbound_handled) == (1, 2, 2)

    voice = day("channel")["voice"]
    assert (voice.offered, voice.answered, voice.abandoned) == (0, 0, 0)
    assert voice.service_level is None and voice.aht_seconds is None
    assert (voice.outbound_started, voice.outbound_handled) == (1, 1)
    assert voice.outbound_aht_seconds == pytest.approx(210)


def test_the_agent_report_shows_both_directions_side_by_side():
    a_blended_morning()
    project()
    report = build("agent", {"from": DAY.isoformat(), "to": DAY.isoformat()})
    labels = [column.label for column in report.columns]
    for label in ("Inbound handled", "Inbound AHT", "Outbound started", "Outbound AHT"):
        assert label in labels
    (row,) = report.rows
    cells = dict(zip(labels, report.cells(row), strict=True))
    assert (cells["Answered"], cells["Inbound handled"], cells["Outbound handled"]) == (1, 1, 2)
    assert cells["Outbound AHT"] == pytest.approx(165)
    assert cells["Outbound share"] == pytest.approx(2 / 3)
    assert "SL (answered)" not in labels  # agents do not have a queue's service level


def test_the_queue_report_csv_keeps_service_level_inbound(client):
    Queue.objects.create(pk=Q1, name="Support", channels=["webchat", "voice", "email"])
    boss = User.objects.create_user("boss")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(boss)
    a_blended_morning()
    project()
    day_range = f"from={DAY.isoformat()}&to={DAY.isoformat()}"
    answer = client.get(f"/supervisor/reports/queue/?{day_range}&format=csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    support = next(r for r in rows if r["Queue"] == "Support")
    assert support["Offered"] == "1" and float(support["SL (answered) (ratio)"]) == 1.0
    assert support["Inbound handled"] == "1" and support["Outbound started"] == "2"
