"""Outbound reports: per day, campaign and agent; CSV; supervisors only; bad input a 400."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from outbound.models import Campaign, DialAttempt
from routing.models import Queue
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(db):
    queue = a_queue("Renewals", entry=None)
    agent = an_agent(queue, username="caller1")
    campaign = Campaign.objects.create(name="Renewals", queue=queue)
    now = timezone.now()
    rows = [
        ("connected", "human", True, True, True),
        ("connected", "human", True, False, False),
        ("abandoned", "human", False, False, False),
        ("machine", "machine_end_beep", False, False, False),
        ("no-answer", "", False, False, False),
    ]
    for n, (outcome, by, connected, rpc, converted) in enumerate(rows):
        answered = now if by else None
        DialAttempt.objects.create(
            id=f"a{n}",
            campaign_id=campaign.pk,
            contact_id=n,
            phone="+14155550100",
            mode="predictive",
            agent=str(agent.pk) if connected else "",
            status="ended",
            answered_by=by,
            outcome=outcome,
            connected=connected,
            right_party=rpc,
            converted=converted,
            placed_at=now,
            answered_at=answered,
            ended_at=now + timedelta(seconds=60),
        )
    return campaign, agent


def supervisor(client):
    boss = an_agent(Queue.objects.first(), username="boss", supervisor=True)
    client.force_login(boss)


def test_the_report_counts_each_figure(client, figures):
    supervisor(client)
    page = client.get("/supervisor/outbound/?by=campaign")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Renewals" in text and 'id="chart-data"' in text
    answer = client.get("/supervisor/outbound.csv?by=campaign")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0][:7] == [
        "Campaign",
        "attempts",
        "answered",
        "connects",
        "right_party",
        "conversions",
        "abandoned",
    ]
    # 5 attempts; 3 answered by a person; 2 connects; 1 RPC; 1 conversion; 1 abandoned: 1/3.
    assert rows[1] == ["Renewals", "5", "3", "2", "1", "1", "1", "0.3333"]


def test_by_agent_and_by_day(client, figures):
    supervisor(client)
    by_agent = client.get("/supervisor/outbound.csv?by=agent").content.decode()
    assert "caller1,2,2,2,1,1,0,0.0" in by_agent
    assert client.get("/supervisor/outbound/?by=day").status_code == 200


def test_bad_requests_are_400(client, figures):
    supervisor(client)
    assert client.get("/supervisor/outbound/?by=planet").status_code == 400
    assert client.get("/supervisor/outbound/?from=yesterday").status_code == 400
    assert client.get("/supervisor/outbound.csv?from=2026-02-01&to=2026-01-01").status_code == 400


def test_agents_may_not_see_it(client, figures):
    _, agent = figures
    client.force_login(agent)
    assert client.get("/supervisor/outbound/").status_code in (302, 403)
