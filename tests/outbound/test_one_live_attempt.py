"""Never two live attempts to one contact, with real concurrency: dialler processes racing for
the same contact each try to append to its stream; one wins, the others are refused."""

import threading
from datetime import time

import pytest
from django.db import connection

from outbound import commands
from outbound.models import Campaign, CampaignContact, DialAttempt
from routing.models import Queue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_dialers_place_one_attempt(db):
    campaign = Campaign.objects.create(
        name="Race",
        queue=Queue.objects.create(name="Race"),
        window_start=time(0, 0),
        window_end=time(23, 59, 59),
        window_days="0123456",
    )
    contact = CampaignContact.objects.create(
        campaign=campaign, customer_id="c1", phone="+14155550100", time_zone="UTC"
    )
    start = threading.Barrier(4)
    placed, refused = [], []

    def dialer():
        try:
            start.wait()
            placed.append(commands.place(contact, mode="predictive"))
        except commands.DialRefused as refusal:
            refused.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=dialer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(placed) == 1 and len(refused) == 3
    assert all("already on a live attempt" in reason for reason in refused)
    assert DialAttempt.objects.filter(contact_id=contact.pk).count() == 1
